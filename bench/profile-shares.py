#!/usr/bin/env python3
"""bench/profile-shares.py FILE.jfr (issue 17): shares of JFR execution samples (Java threads only: no JIT or GC
threads) by what the stack runs; a sample counts for the first group whose pattern any of its frames matches.

Recorded while bench/run.sh measures a row, e.g. 10 s of Payara (its pid is the second line of
target/bench-servers.pids):  jcmd <pid> JFR.start duration=10s settings=profile filename=floor.jfr
"""
import re, subprocess, sys, collections
CATS = [
    ("the token check: JASPIC, Soteria, MP-JWT mechanism and store, our filter and cache",
     r"jaspic|soteria|jwtauth|security\.enterprise|dev\.pipeline\.auth|nimbusds|com\.sun\.enterprise\.security|exousia|authenticat|RealmAdapter|ServerAuthContext|JaspicRealm|SecurityContext\.setCurrent|WebSecurityManager"),
    ("Weld's request/session contexts (servlet listener)", r"org\.jboss\.weld\.(servlet|module\.web|context)"),
    ("the send path and Artemis client", r"dev\.pipeline\.(publish|broker)|org\.apache\.activemq"),
    ("resuming the asynchronous request, writing its answer", r"AsyncResponder|resume|AsyncContext|dispatch\(|CompletableFuture"),
    ("Jersey request processing with our resource", r"org\.glassfish\.jersey|dev\.pipeline"),
    ("Grizzly and Catalina (HTTP, valves, writing)", r"grizzly|catalina|org\.apache\.coyote|com\.sun\.enterprise\.web|StandardWrapper"),
]
out = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "200", sys.argv[1]],
                     capture_output=True, text=True).stdout
counts = collections.Counter(); total = 0
for event in out.split("jdk.ExecutionSample")[1:]:
    stack = event.split("stackTrace = [", 1)[-1]
    total += 1
    for name, pattern in CATS:
        if re.search(pattern, stack):
            counts[name] += 1; break
    else:
        counts["other (GC is not sampled here; timers, JMS drain, ...)"] += 1
print(f"{total} samples")
for name, _ in CATS + [("other (GC is not sampled here; timers, JMS drain, ...)", None)]:
    print(f"{100.0 * counts[name] / max(total, 1):5.1f} %  {name}")
