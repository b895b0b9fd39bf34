package io.latchkey.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.common.config.Secrets;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * deploy/kubernetes: every object is valid for its kind (strict: an unknown field fails), and the manifests keep the
 * project's promises: settings the code reads, probes on the management port, key-service's signing port open to
 * auth-server alone, limits on every container, no usable secret shipped.
 */
class KubernetesManifestsTest {
    private static final Path ROOT =
            Path.of(System.getProperty("latchkey.project.root", "..")).normalize();
    private static final Path DIR = ROOT.resolve("deploy/kubernetes");
    private static final Pattern SETTING = Pattern.compile("LATCHKEY_[A-Z0-9_]+");

    /** The management port of each service (docs/configuration.md). */
    private static final Map<String, Integer> MANAGEMENT_PORTS =
            Map.of("auth-server", 9080, "key-service", 9081, "resource-demo", 9082);

    private static KubernetesSchemas schemas;
    private static List<Manifest> manifests;

    record Manifest(String file, JsonObject object) {
        String kind() {
            return object.getString("kind");
        }

        String name() {
            return object.getJsonObject("metadata").getString("name");
        }
    }

    @BeforeAll
    static void load() throws IOException {
        schemas = KubernetesSchemas.load();
        manifests = new ArrayList<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path file :
                    files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                if (file.getFileName().toString().equals("kustomization.yaml")) {
                    continue;
                }
                for (Object document : yaml().loadAll(Files.readString(file))) {
                    if (document != null) {
                        manifests.add(new Manifest(file.getFileName().toString(), toJson(document)));
                    }
                }
            }
        }
    }

    @Test
    void everyObjectWhenValidatedAgainstItsKindsSchemaThenHasNoProblem() {
        assertTrue(manifests.size() >= 15, "the manifests hold every object: " + manifests.size());
        List<String> problems = new ArrayList<>();
        for (Manifest m : manifests) {
            schemas.problems(m.object())
                    .forEach(p -> problems.add(m.file() + " " + m.kind() + " " + m.name() + " " + p));
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void schemaWhenAFieldIsMisspeltThenValidationFails() {
        JsonObject deployment = only("Deployment", "auth-server").copy();
        JsonObject spec = deployment.getJsonObject("spec");
        spec.put("replica", spec.remove("replicas"));
        List<String> problems = schemas.problems(deployment);
        assertFalse(problems.isEmpty(), "replica (for replicas) is refused");
        assertTrue(problems.toString().contains("/spec"), "the problem points at spec: " + problems);

        JsonObject keyService = only("Deployment", "key-service").copy();
        JsonObject container = containers(keyService).get(0);
        container.put("readinesProbe", container.remove("readinessProbe"));
        assertFalse(schemas.problems(keyService).isEmpty(), "a misspelt field deep in the pod template is refused");
    }

    @Test
    void schemaWhenARequiredFieldIsMissingThenValidationFails() {
        JsonObject deployment = only("Deployment", "auth-server").copy();
        deployment.getJsonObject("spec").remove("selector");
        assertFalse(schemas.problems(deployment).isEmpty(), "a Deployment needs a selector");

        JsonObject autoscaler = only("HorizontalPodAutoscaler", "auth-server").copy();
        autoscaler.getJsonObject("spec").remove("maxReplicas");
        assertFalse(schemas.problems(autoscaler).isEmpty(), "an autoscaler needs maxReplicas");
    }

    @Test
    void schemaWhenAValueHasTheWrongTypeOrANestedFieldIsUnknownThenValidationFails() {
        JsonObject deployment = only("Deployment", "key-service").copy();
        deployment.getJsonObject("spec").put("replicas", "two");
        assertFalse(schemas.problems(deployment).isEmpty(), "replicas must be an integer");

        JsonObject policy = only("NetworkPolicy", "key-service-internal").copy();
        policy.getJsonObject("spec").getJsonArray("ingress").getJsonObject(0).put("form", new JsonArray());
        assertFalse(schemas.problems(policy).isEmpty(), "form (for from) in an ingress rule is refused");

        JsonObject demo = only("Deployment", "resource-demo").copy();
        containers(demo)
                .get(0)
                .getJsonObject("resources")
                .getJsonObject("limits")
                .put("memory", new JsonObject());
        assertFalse(schemas.problems(demo).isEmpty(), "a memory limit is a quantity");
    }

    @Test
    void manifestsWhenTheySetASettingThenTheCodeReadsThatName() throws IOException {
        Set<String> used = new TreeSet<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                Matcher m = SETTING.matcher(Files.readString(file));
                while (m.find()) {
                    used.add(m.group());
                }
            }
        }
        assertTrue(used.size() > 20, "the manifests set the services' settings: " + used);
        Set<String> known = new HashSet<>(ComposeSettingsTest.namesReadByMainCode());
        used.removeAll(known);
        assertEquals(Set.of(), used, "settings no service reads");
    }

    @Test
    void deploymentsWhenTheyReadConfigMapsAndSecretsThenThoseExistAndSecretsComeFromSecretObjects() {
        Set<String> configMaps = new HashSet<>();
        manifests.stream().filter(m -> m.kind().equals("ConfigMap")).forEach(m -> configMaps.add(m.name()));
        Set<String> secretKeys =
                only("Secret", "latchkey-secrets").getJsonObject("stringData").fieldNames();
        Set<String> secretNames = Set.of(
                "LATCHKEY_DB_URL",
                "LATCHKEY_KEK",
                "LATCHKEY_INTERNAL_SECRET",
                "LATCHKEY_ADMIN_CLIENT_SECRET",
                "LATCHKEY_FEED_CLIENT_SECRET",
                "LATCHKEY_WEB_CLIENT_SECRET");
        assertEquals(secretNames, secretKeys, "the example Secret holds every secret setting");
        JsonObject example = only("Secret", "latchkey-secrets").getJsonObject("stringData");
        for (String name : secretKeys) {
            if (!name.equals("LATCHKEY_DB_URL")) {
                assertTrue(
                        example.getString(name).length() < Secrets.MIN_LENGTH,
                        "the example's " + name + " is a placeholder the services refuse");
            }
        }
        for (Manifest m : manifests) {
            if (m.kind().equals("ConfigMap")) {
                Set<String> leaked =
                        new HashSet<>(m.object().getJsonObject("data").fieldNames());
                leaked.retainAll(secretNames);
                assertEquals(Set.of(), leaked, "no secret in ConfigMap " + m.name());
            }
        }
        for (Manifest deployment : deployments()) {
            for (JsonObject container : containers(deployment.object())) {
                for (Object source : container.getJsonArray("envFrom")) {
                    JsonObject ref = ((JsonObject) source).getJsonObject("configMapRef");
                    assertNotNull(ref, "envFrom reads ConfigMaps only: " + deployment.name());
                    assertTrue(configMaps.contains(ref.getString("name")), "ConfigMap exists: " + ref);
                }
                for (Object item : container.getJsonArray("env")) {
                    JsonObject env = (JsonObject) item;
                    String name = env.getString("name");
                    if (secretNames.contains(name)) {
                        assertNull(env.getValue("value"), name + " is not written in the manifest");
                        JsonObject ref = env.getJsonObject("valueFrom").getJsonObject("secretKeyRef");
                        assertEquals("latchkey-secrets", ref.getString("name"));
                        assertTrue(secretKeys.contains(ref.getString("key")), ref.toString());
                    }
                }
            }
        }
    }

    @Test
    void kustomizationWhenAppliedThenItHasEveryManifestButNoSecret() throws IOException {
        Map<String, Object> kustomization = yaml().load(Files.readString(DIR.resolve("kustomization.yaml")));
        @SuppressWarnings("unchecked")
        List<String> resources = (List<String>) kustomization.get("resources");
        Set<String> files = new TreeSet<>();
        manifests.forEach(m -> files.add(m.file()));
        files.remove("secret.example.yaml");
        assertEquals(files, new TreeSet<>(resources), "kustomization.yaml lists every manifest but the example Secret");
        for (Manifest m : manifests) {
            if (resources.contains(m.file())) {
                assertFalse(m.kind().equals("Secret"), "a kustomization resource ships a Secret: " + m.file());
            }
        }
        assertFalse(kustomization.containsKey("secretGenerator"), "no generated secrets");
    }

    @Test
    void deploymentsWhenScheduledThenReplicasProbesLimitsAndSecurityAreSet() {
        assertEquals(2, only("Deployment", "key-service").getJsonObject("spec").getInteger("replicas"));
        assertEquals(2, only("Deployment", "auth-server").getJsonObject("spec").getInteger("replicas"));
        assertEquals(
                1, only("Deployment", "resource-demo").getJsonObject("spec").getInteger("replicas"));
        for (Manifest deployment : deployments()) {
            int management = MANAGEMENT_PORTS.get(deployment.name());
            assertEquals(
                    Integer.toString(management),
                    only("ConfigMap", deployment.name() + "-settings")
                            .getJsonObject("data")
                            .getString("LATCHKEY_MANAGEMENT_PORT"),
                    "the service listens where the probes look");
            assertEquals(
                    "0.0.0.0",
                    only("ConfigMap", "latchkey-settings").getJsonObject("data").getString("LATCHKEY_MANAGEMENT_HOST"),
                    "the management listener is reachable by the kubelet");
            JsonObject podSpec = deployment
                    .object()
                    .getJsonObject("spec")
                    .getJsonObject("template")
                    .getJsonObject("spec");
            assertEquals(Boolean.TRUE, podSpec.getJsonObject("securityContext").getBoolean("runAsNonRoot"));
            for (JsonObject container : containers(deployment.object())) {
                String where = deployment.name() + "/" + container.getString("name");
                for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                    JsonObject get = container.getJsonObject(probe).getJsonObject("httpGet");
                    assertEquals(management, port(container, get.getValue("port")), where + " " + probe + " port");
                    assertEquals(
                            probe.equals("readinessProbe") ? "/health/ready" : "/health/live",
                            get.getString("path"),
                            where + " " + probe + " path");
                }
                JsonObject limits = container.getJsonObject("resources").getJsonObject("limits");
                JsonObject requests = container.getJsonObject("resources").getJsonObject("requests");
                assertNotNull(limits.getValue("memory"), where + " memory limit");
                assertNotNull(limits.getValue("cpu"), where + " cpu limit");
                assertTrue(
                        mebibytes(requests.getString("memory")) <= mebibytes(limits.getString("memory")),
                        where + " requests no more memory than its limit");
                JsonObject security = container.getJsonObject("securityContext");
                assertEquals(Boolean.FALSE, security.getBoolean("allowPrivilegeEscalation"), where);
                assertEquals(Boolean.TRUE, security.getBoolean("readOnlyRootFilesystem"), where);
                assertEquals(
                        new JsonArray().add("ALL"),
                        security.getJsonObject("capabilities").getJsonArray("drop"),
                        where);
            }
        }
        for (String service : List.of("key-service", "auth-server", "resource-demo")) {
            assertEquals(
                    composeMemoryLimit(service), memoryLimit(service), service + ": the measured size, as in compose");
        }
    }

    @Test
    void networkPolicyWhenItGuardsKeyServiceThenOnlyAuthServerReachesTheSigningPort() {
        JsonObject spec = only("NetworkPolicy", "key-service-internal").getJsonObject("spec");
        assertEquals(
                new JsonObject().put("app.kubernetes.io/name", "key-service"),
                spec.getJsonObject("podSelector").getJsonObject("matchLabels"));
        assertTrue(spec.getJsonArray("policyTypes").contains("Ingress"));
        JsonObject keyServicePods = only("Deployment", "key-service")
                .getJsonObject("spec")
                .getJsonObject("template")
                .getJsonObject("metadata")
                .getJsonObject("labels");
        assertEquals("key-service", keyServicePods.getString("app.kubernetes.io/name"), "the policy selects the pods");
        JsonObject authServerPods = only("Deployment", "auth-server")
                .getJsonObject("spec")
                .getJsonObject("template")
                .getJsonObject("metadata")
                .getJsonObject("labels");

        boolean signingAllowed = false;
        boolean jwksOpen = false;
        for (Object item : spec.getJsonArray("ingress")) {
            JsonObject rule = (JsonObject) item;
            JsonArray ports = rule.getJsonArray("ports");
            assertTrue(ports != null && !ports.isEmpty(), "a rule without ports opens every port: " + rule);
            Set<Object> numbers = new HashSet<>();
            ports.forEach(p -> numbers.add(((JsonObject) p).getValue("port")));
            JsonArray from = rule.getJsonArray("from");
            if (numbers.contains(8091)) {
                assertEquals(Set.of(8091), numbers, "the signing port has a rule of its own: " + rule);
                assertEquals(1, from.size(), "one peer: " + rule);
                JsonObject peer = from.getJsonObject(0);
                assertEquals(Set.of("podSelector"), peer.fieldNames(), "pods of this namespace, no ipBlock: " + peer);
                JsonObject labels = peer.getJsonObject("podSelector").getJsonObject("matchLabels");
                assertEquals(new JsonObject().put("app.kubernetes.io/name", "auth-server"), labels);
                assertEquals("auth-server", authServerPods.getString("app.kubernetes.io/name"));
                signingAllowed = true;
            }
            if (numbers.contains(8081) && (from == null || from.isEmpty())) {
                jwksOpen = true;
            }
        }
        assertTrue(signingAllowed, "auth-server reaches the signing port");
        assertTrue(jwksOpen, "everyone reaches the JWKS port");

        JsonObject keyService = containers(only("Deployment", "key-service")).get(0);
        assertEquals(8091, port(keyService, "internal"));
        assertEquals(
                "http://key-service-internal:8091",
                only("ConfigMap", "auth-server-settings").getJsonObject("data").getString("LATCHKEY_KEY_SERVICE_URL"));
        JsonObject internalService = only("Service", "key-service-internal").getJsonObject("spec");
        assertEquals(
                8091, internalService.getJsonArray("ports").getJsonObject(0).getInteger("port"));
    }

    @Test
    void autoscalerWhenItScalesAuthServerThenItNeverGoesBelowTwo() {
        JsonObject spec = only("HorizontalPodAutoscaler", "auth-server").getJsonObject("spec");
        assertEquals("auth-server", spec.getJsonObject("scaleTargetRef").getString("name"));
        assertEquals("Deployment", spec.getJsonObject("scaleTargetRef").getString("kind"));
        assertTrue(spec.getInteger("minReplicas") >= 2);
        for (String service : MANAGEMENT_PORTS.keySet()) {
            assertNotNull(only("PodDisruptionBudget", service), "a disruption budget for " + service);
        }
    }

    private static void assertNull(Object value, String message) {
        assertEquals(null, value, message);
    }

    /** The {@code mem_limit} docker-compose.yml gives {@code service}, in MiB (written as {@code <n>m}). */
    @SuppressWarnings("unchecked")
    private static int composeMemoryLimit(String service) {
        try (var in = Files.newInputStream(ROOT.resolve("docker-compose.yml"))) {
            Map<String, Object> compose = yaml().load(in);
            Map<String, Object> services = (Map<String, Object>) compose.get("services");
            String limit = String.valueOf(((Map<String, Object>) services.get(service)).get("mem_limit"));
            assertTrue(limit.endsWith("m"), service + " mem_limit in MiB: " + limit);
            return Integer.parseInt(limit.substring(0, limit.length() - 1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int memoryLimit(String deployment) {
        return mebibytes(containers(only("Deployment", deployment))
                .get(0)
                .getJsonObject("resources")
                .getJsonObject("limits")
                .getString("memory"));
    }

    private static int mebibytes(String quantity) {
        assertTrue(quantity.endsWith("Mi"), "memory in Mi: " + quantity);
        return Integer.parseInt(quantity.substring(0, quantity.length() - 2));
    }

    /** A probe's port, a number or the name of one of the container's ports, as a number. */
    private static int port(JsonObject container, Object port) {
        if (port instanceof Integer number) {
            return number;
        }
        for (Object item : container.getJsonArray("ports")) {
            JsonObject p = (JsonObject) item;
            if (port.equals(p.getString("name"))) {
                return p.getInteger("containerPort");
            }
        }
        throw new AssertionError("no container port named " + port);
    }

    private static List<Manifest> deployments() {
        List<Manifest> deployments =
                manifests.stream().filter(m -> m.kind().equals("Deployment")).toList();
        assertEquals(3, deployments.size());
        return deployments;
    }

    private static List<JsonObject> containers(JsonObject deployment) {
        JsonArray containers = deployment
                .getJsonObject("spec")
                .getJsonObject("template")
                .getJsonObject("spec")
                .getJsonArray("containers");
        List<JsonObject> list = new ArrayList<>();
        containers.forEach(c -> list.add((JsonObject) c));
        assertFalse(list.isEmpty());
        return list;
    }

    private static JsonObject only(String kind, String name) {
        List<Manifest> found = manifests.stream()
                .filter(m -> m.kind().equals(kind) && m.name().equals(name))
                .toList();
        assertEquals(1, found.size(), kind + " " + name);
        return found.get(0).object();
    }

    private static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }

    /** SnakeYAML's maps and lists as Vert.x JSON, deeply, so the validator and the assertions see JSON values. */
    private static JsonObject toJson(Object document) {
        return (JsonObject) json(document);
    }

    private static Object json(Object value) {
        if (value instanceof Map<?, ?> map) {
            JsonObject object = new JsonObject();
            map.forEach((k, v) -> object.put(String.valueOf(k), json(v)));
            return object;
        }
        if (value instanceof List<?> list) {
            JsonArray array = new JsonArray();
            list.forEach(v -> array.add(json(v)));
            return array;
        }
        return value;
    }
}
