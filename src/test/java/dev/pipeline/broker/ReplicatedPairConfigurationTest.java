package dev.pipeline.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The replicated pair's broker files are {@code server-config/broker.xml} plus the pair: an edit to
 * the single broker's journal, duplicate detection, security or addresses that is not made to the
 * pair too fails here.
 */
class ReplicatedPairConfigurationTest {

    private static final Set<String> PAIR_ONLY = Set.of("name", "connectors", "cluster-user", "cluster-password",
            "cluster-connections", "ha-policy");

    @ParameterizedTest
    @ValueSource(strings = {"broker-primary.xml", "broker-backup.xml"})
    void pairFileHasEverySettingOfTheSingleBroker(String pairFile) throws Exception {
        assertEquals(canonical(core("broker.xml"), PAIR_ONLY),
                canonical(core(pairFile), PAIR_ONLY).replace("${PAIR_SELF_PORT:61616}", "61616"));
    }

    @Test
    void primaryChecksForAnActiveBackupOnRestartAndBackupFailsBack() throws Exception {
        assertEquals("true", text(core("broker-primary.xml"), "check-for-active-server"));
        assertEquals("true", text(core("broker-backup.xml"), "allow-failback"));
        assertEquals("true", text(core("broker-backup.xml"), "restart-backup"));
    }

    private static Element core(String file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Element configuration = factory.newDocumentBuilder().parse(Path.of("server-config", file).toFile()).getDocumentElement();
        return (Element) configuration.getElementsByTagNameNS("*", "core").item(0);
    }

    private static String text(Element core, String element) {
        return core.getElementsByTagNameNS("*", element).item(0).getTextContent().trim();
    }

    /** Elements, attributes and text, without comments and white space, leaving out the named children. */
    private static String canonical(Element element, Set<String> leaveOut) {
        StringBuilder out = new StringBuilder("<" + element.getLocalName());
        var attributes = element.getAttributes();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < attributes.getLength(); i++) {
            names.add(attributes.item(i).getNodeName() + "=" + attributes.item(i).getNodeValue());
        }
        names.stream().filter(name -> !name.startsWith("xmlns") && !name.startsWith("xsi:")).sorted()
                .forEach(name -> out.append(' ').append(name));
        out.append('>');
        for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element nested && !leaveOut.contains(nested.getLocalName())) {
                out.append(canonical(nested, Set.of()));
            } else if (child.getNodeType() == Node.TEXT_NODE) {
                out.append(child.getNodeValue().trim());
            }
        }
        return out.append("</").append(element.getLocalName()).append('>').toString();
    }
}
