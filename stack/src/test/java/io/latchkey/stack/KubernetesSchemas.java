package io.latchkey.stack;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The Kubernetes API's JSON schemas, made strict, and validation of one object against its kind's.
 *
 * <p>The schemas are the {@code schema/kube-schema.json} files of the fabric8 kubernetes-model jars (test dependencies
 * from Maven Central, version in stack/pom.xml; generated from the Kubernetes API types), so the check runs offline
 * with nothing but Maven. Like kubectl's strict field validation (and the "strict" flavour of the published
 * Kubernetes JSON schemas), an unknown field fails: a misspelt field would otherwise be dropped by the API server
 * without a word. Two types that the files describe in their Java shape are replaced by their wire shape:
 * IntOrString (a port number or name) and Quantity ("224Mi", "500m", 2).
 */
final class KubernetesSchemas {
    /** apiVersion/kind of every kind the manifests use, to its definition in the schema files. */
    private static final Map<String, String> DEFINITIONS = Map.of(
            "v1/ConfigMap", "kubernetes_core_ConfigMap",
            "v1/Secret", "kubernetes_core_Secret",
            "v1/Service", "kubernetes_core_Service",
            "apps/v1/Deployment", "kubernetes_apps_Deployment",
            "policy/v1/PodDisruptionBudget", "kubernetes_policy_v1_PodDisruptionBudget",
            "autoscaling/v2/HorizontalPodAutoscaler", "kubernetes_autoscaling_v2_HorizontalPodAutoscaler",
            "networking.k8s.io/v1/NetworkPolicy", "kubernetes_networking_v1_NetworkPolicy");

    /**
     * The fields the Kubernetes OpenAPI document marks required (Kubernetes 1.30) in the types these manifests use;
     * the schema files leave required fields out, and a Deployment without a selector would otherwise pass.
     */
    private static final Map<String, List<String>> REQUIRED = Map.ofEntries(
            Map.entry("kubernetes_apps_DeploymentSpec", List.of("selector", "template")),
            Map.entry("kubernetes_core_PodSpec", List.of("containers")),
            Map.entry("kubernetes_core_Container", List.of("name")),
            Map.entry("kubernetes_core_ContainerPort", List.of("containerPort")),
            Map.entry("kubernetes_core_EnvVar", List.of("name")),
            Map.entry("kubernetes_core_SecretKeySelector", List.of("key")),
            Map.entry("kubernetes_core_ObjectFieldSelector", List.of("fieldPath")),
            Map.entry("kubernetes_core_HTTPGetAction", List.of("port")),
            Map.entry("kubernetes_core_ServicePort", List.of("port")),
            Map.entry("kubernetes_core_Volume", List.of("name")),
            Map.entry("kubernetes_core_VolumeMount", List.of("name", "mountPath")),
            Map.entry("kubernetes_core_SeccompProfile", List.of("type")),
            Map.entry(
                    "kubernetes_core_TopologySpreadConstraint", List.of("maxSkew", "topologyKey", "whenUnsatisfiable")),
            Map.entry("kubernetes_networking_v1_NetworkPolicySpec", List.of("podSelector")),
            Map.entry(
                    "kubernetes_autoscaling_v2_HorizontalPodAutoscalerSpec", List.of("scaleTargetRef", "maxReplicas")),
            Map.entry("kubernetes_autoscaling_v2_CrossVersionObjectReference", List.of("kind", "name")),
            Map.entry("kubernetes_autoscaling_v2_MetricSpec", List.of("type")),
            Map.entry("kubernetes_autoscaling_v2_ResourceMetricSource", List.of("name", "target")),
            Map.entry("kubernetes_autoscaling_v2_MetricTarget", List.of("type")),
            Map.entry("kubernetes_autoscaling_v2_HPAScalingPolicy", List.of("type", "value", "periodSeconds")));

    private static final JsonObject INT_OR_STRING =
            new JsonObject().put("type", new JsonArray().add("integer").add("string"));
    private static final JsonObject QUANTITY = new JsonObject()
            .put("type", new JsonArray().add("string").add("integer").add("number"));

    private final JsonObject definitions;

    private KubernetesSchemas(JsonObject definitions) {
        this.definitions = definitions;
    }

    /** Every {@code schema/kube-schema.json} on the class path, one per API group's jar, merged and made strict. */
    static KubernetesSchemas load() {
        JsonObject definitions = new JsonObject();
        try {
            for (URL url : Collections.list(
                    KubernetesSchemas.class.getClassLoader().getResources("schema/kube-schema.json"))) {
                try (InputStream in = url.openStream()) {
                    JsonObject file = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    definitions.mergeIn(file.getJsonObject("definitions"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String name : definitions.fieldNames()) {
            if (name.endsWith("IntOrString")) {
                definitions.put(name, INT_OR_STRING.copy());
            } else if (name.endsWith("_Quantity")) {
                definitions.put(name, QUANTITY.copy());
            } else {
                strict(definitions.getJsonObject(name));
            }
        }
        REQUIRED.forEach((name, fields) -> {
            JsonObject definition = definitions.getJsonObject(name);
            if (definition == null) {
                throw new IllegalStateException("the schema files lack " + name);
            }
            definition.put("required", new JsonArray(fields));
        });
        return new KubernetesSchemas(definitions);
    }

    boolean knows(String apiVersion, String kind) {
        String definition = DEFINITIONS.get(apiVersion + "/" + kind);
        return definition != null && definitions.containsKey(definition);
    }

    /** The problems of {@code object} against its kind's schema, one line each ("at /spec/replica: ..."); none if valid. */
    List<String> problems(JsonObject object) {
        String apiVersion = object.getString("apiVersion");
        String kind = object.getString("kind");
        if (!knows(apiVersion, kind)) {
            return List.of("no schema for " + apiVersion + " " + kind);
        }
        JsonObject schema = new JsonObject()
                .put("$schema", "http://json-schema.org/draft-07/schema#")
                .put("definitions", definitions)
                .put("type", "object")
                .put("required", new JsonArray().add("apiVersion").add("kind").add("metadata"))
                .put(
                        "allOf",
                        new JsonArray()
                                .add(new JsonObject()
                                        .put("$ref", "#/definitions/" + DEFINITIONS.get(apiVersion + "/" + kind))));
        Validator validator = Validator.create(
                JsonSchema.of(schema),
                new JsonSchemaOptions()
                        .setDraft(Draft.DRAFT7)
                        .setBaseUri("https://latchkey.invalid/schemas/")
                        .setOutputFormat(OutputFormat.Basic));
        OutputUnit result = validator.validate(object);
        List<String> problems = new ArrayList<>();
        if (!Boolean.TRUE.equals(result.getValid())) {
            if (result.getErrors() == null || result.getErrors().isEmpty()) {
                problems.add("at " + result.getInstanceLocation() + ": " + result.getError());
            } else {
                for (OutputUnit error : result.getErrors()) {
                    problems.add("at " + error.getInstanceLocation() + ": " + error.getError());
                }
            }
        }
        return problems;
    }

    /**
     * Unknown properties fail in every object schema that lists its properties (maps, which give additionalProperties
     * a schema, stay maps); the files' Java hints and their draft-3 {@code "required": true} go.
     */
    private static void strict(JsonObject schema) {
        schema.remove("javaType");
        schema.remove("existingJavaType");
        schema.remove("javaInterfaces");
        schema.remove("javaOmitEmpty");
        if (schema.getValue("required") instanceof Boolean) {
            schema.remove("required");
        }
        JsonObject properties = schema.getJsonObject("properties");
        if (properties != null) {
            Object additional = schema.getValue("additionalProperties");
            if (additional == null || Boolean.TRUE.equals(additional)) {
                schema.put("additionalProperties", false);
            }
            for (String name : properties.fieldNames()) {
                strict(properties.getJsonObject(name));
            }
        }
        if (schema.getValue("additionalProperties") instanceof JsonObject map) {
            strict(map);
        }
        if (schema.getValue("items") instanceof JsonObject items) {
            strict(items);
        }
    }
}
