package dev.coralmux.relay.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.coralmux.relay.config.ClusterConfig;
import dev.coralmux.relay.config.ConfigLoader;
import dev.coralmux.relay.config.RelayConfig;
import dev.coralmux.relay.config.Secrets;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Parses every Kubernetes manifest and the Dockerfile and checks that they refer to each other
 * and to the relay consistently: selectors and labels, ports and probes and conf, ConfigMap keys
 * against the real config schema, Secret names and keys, the jar the build produces.
 */
class DeploymentManifestsTest {
  static final Map<String, Map<String, Object>> byKindAndName = new HashMap<>();
  static final List<Map<String, Object>> all = new ArrayList<>();

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void load() throws Exception {
    Map<String, Object> kustomization = new Yaml().load(Files.readString(Path.of("k8s/kustomization.yaml")));
    for (Object file : (List<Object>) kustomization.get("resources")) {
      for (Object doc : new Yaml().loadAll(Files.readString(Path.of("k8s", (String) file)))) {
        if (doc == null) continue;
        Map<String, Object> m = (Map<String, Object>) doc;
        all.add(m);
        byKindAndName.put(m.get("kind") + "/" + name(m), m);
      }
    }
  }

  @SuppressWarnings("unchecked")
  static <T> T at(Object root, String... path) {
    Object cur = root;
    for (String p : path) {
      if (cur instanceof Map<?, ?> map) cur = map.get(p);
      else if (cur instanceof List<?> list) cur = list.get(Integer.parseInt(p));
      else throw new AssertionError("no " + String.join(".", path));
      assertNotNull(cur, "missing " + String.join(".", path));
    }
    return (T) cur;
  }

  static String name(Map<String, Object> m) {
    return at(m, "metadata", "name");
  }

  static Map<String, Object> get(String kindAndName) {
    Map<String, Object> m = byKindAndName.get(kindAndName);
    assertNotNull(m, kindAndName + " is not in the kustomization");
    return m;
  }

  static Map<String, Object> deployment() {
    return get("Deployment/coralmux-relay");
  }

  static Map<String, Object> container() {
    return at(deployment(), "spec", "template", "spec", "containers", "0");
  }

  static int containerPort(String portName) {
    List<Map<String, Object>> ports = at(container(), "ports");
    return ports.stream().filter(p -> portName.equals(p.get("name"))).map(p -> (Integer) p.get("containerPort"))
        .findFirst().orElseThrow(() -> new AssertionError("no container port " + portName));
  }

  @Test
  void selectorsMatchThePodLabels() {
    Map<String, Object> podLabels = at(deployment(), "spec", "template", "metadata", "labels");
    assertEquals(at(deployment(), "spec", "selector", "matchLabels"), podLabels);
    for (String svc : List.of("Service/coralmux-relay", "Service/coralmux-hazelcast")) {
      Map<String, Object> selector = at(get(svc), "spec", "selector");
      assertTrue(podLabels.entrySet().containsAll(selector.entrySet()), svc + " selects no relay pod");
    }
    Map<String, Object> pdb = at(get("PodDisruptionBudget/coralmux-relay"), "spec", "selector", "matchLabels");
    assertTrue(podLabels.entrySet().containsAll(pdb.entrySet()));
    assertEquals("coralmux-relay", at(get("HorizontalPodAutoscaler/coralmux-relay"), "spec", "scaleTargetRef", "name"));
    Map<String, Object> redisPod = at(get("StatefulSet/coralmux-redis"), "spec", "template", "metadata", "labels");
    assertTrue(redisPod.entrySet().containsAll(((Map<String, Object>) at(get("Service/coralmux-redis"), "spec", "selector")).entrySet()));
  }

  @Test
  void configMapHoldsValidConfigWhosePortsMatchTheContainer() {
    Map<String, Object> data = at(get("ConfigMap/coralmux-conf"), "data");
    RelayConfig relay = ConfigLoader.fromJson(new JsonObject((String) data.get("relay.json")), Map.of());
    // Read as a pod would: the Deployment gives POD_NAMESPACE from metadata.namespace.
    List<Map<String, Object>> env = at(container(), "env");
    assertTrue(env.stream().anyMatch(e -> "POD_NAMESPACE".equals(e.get("name"))
        && "metadata.namespace".equals(at(e, "valueFrom", "fieldRef", "fieldPath"))), "POD_NAMESPACE from the Downward API");
    ClusterConfig cluster = ClusterConfig.fromJson(new JsonObject((String) data.get("cluster.json")),
        Map.of("POD_NAMESPACE", "team-b"));
    assertEquals(relay.port(), containerPort("http"));
    assertEquals(relay.metrics().port(), containerPort("metrics"));
    assertEquals(cluster.hazelcastPort(), containerPort("hazelcast"));
    assertTrue(cluster.enabled() && cluster.kubernetes());
    // Any namespace works: the discovery name follows the pod's own, never a hard-coded one.
    assertEquals("coralmux-hazelcast.team-b.svc.cluster.local", cluster.kubernetesServiceDns());
    assertTrue(((String) data.get("cluster.json")).indexOf("svc.cluster.local") < 0, "no namespace is hard-coded");
    // A StatefulSet's serviceName must name a headless Service.
    String redisService = at(get("StatefulSet/coralmux-redis"), "spec", "serviceName");
    assertEquals("None", at(get("Service/" + redisService), "spec", "clusterIP"));
    assertEquals(cluster.hazelcastPort(), (int) at(get("Service/coralmux-hazelcast"), "spec", "ports", "0", "port"));
    assertEquals("http", at(get("Service/coralmux-relay"), "spec", "ports", "0", "targetPort"));
    assertTrue(cluster.redisEndpoints().get(0).contains(name(get("Service/coralmux-redis"))));
    // Probes hit the relay's dedicated endpoints on its port; the drain fits the grace period.
    assertEquals("/health/ready", at(container(), "readinessProbe", "httpGet", "path"));
    assertEquals("/health/live", at(container(), "livenessProbe", "httpGet", "path"));
    assertEquals("http", at(container(), "readinessProbe", "httpGet", "port"));
    int grace = at(deployment(), "spec", "template", "spec", "terminationGracePeriodSeconds");
    assertTrue(grace * 1000L > relay.drainMs() + 5_000 + 1_000, "terminationGracePeriodSeconds must cover preStop + drain");
    // The ConfigMap is mounted where the relay reads conf/ (the image's working directory).
    List<Map<String, Object>> mounts = at(container(), "volumeMounts");
    assertTrue(mounts.stream().anyMatch(m -> "/app/conf".equals(m.get("mountPath")) && "conf".equals(m.get("name"))));
    assertEquals(relay.dataDir().toString(), "/data");
  }

  /** Pairing links carry the token; in a cluster behind an ingress they may only come from public_url. */
  @Test
  void configMapSetsPublicUrlAndSaysItIsAPlaceholder() throws Exception {
    Map<String, Object> data = at(get("ConfigMap/coralmux-conf"), "data");
    RelayConfig relay = ConfigLoader.fromJson(new JsonObject((String) data.get("relay.json")), Map.of());
    assertTrue(relay.publicUrl().startsWith("https://"), "public_url must be set, https (wss:// links): " + relay.publicUrl());
    String raw = Files.readString(Path.of("k8s", "configmap.yaml"));
    assertTrue(raw.contains("# CHANGE public_url"), "the placeholder must carry a comment telling operators to change it");
    assertTrue(relay.publicUrl().contains("example.com"), "the shipped value is a placeholder, not someone's real host");
  }

  @Test
  void secretsReferencedByEnvExistWithTheirKeys() {
    Map<String, Object> stringData = at(get("Secret/coralmux-secrets"), "stringData");
    for (Map<String, Object> m : all) {
      String text = new Yaml().dump(m);
      int i = 0;
      while ((i = text.indexOf("secretKeyRef:", i)) >= 0) {
        String block = text.substring(i, Math.min(text.length(), i + 120));
        assertTrue(block.contains("name: coralmux-secrets"), "unknown secret in " + block);
        String key = block.replaceAll("(?s).*key: ([a-z-]+).*", "$1");
        assertTrue(stringData.containsKey(key), "secret key " + key + " missing");
        i++;
      }
    }
    List<Map<String, Object>> env = at(container(), "env");
    List<String> names = env.stream().map(e -> (String) e.get("name")).toList();
    assertTrue(names.containsAll(List.of("RELAY_ADMIN_KEY", "RELAY_INVITE_SECRET", "RELAY_REDIS_PASSWORD",
        "RELAY_CLUSTER_HOST")), names.toString());
    // The shipped placeholders must not be values the relay accepts: applying the file unchanged fails loudly.
    for (String key : List.of("admin-key", "invite-secret")) {
      assertNotNull(Secrets.problem((String) stringData.get(key), Secrets.MIN_ADMIN_KEY), key + " is accepted as it ships");
    }
    assertEquals(name(get("ServiceAccount/coralmux-relay")), at(deployment(), "spec", "template", "spec", "serviceAccountName"));
    assertEquals("coralmux-relay", at(get("RoleBinding/coralmux-hazelcast-discovery"), "subjects", "0", "name"));
    assertEquals(name(get("Role/coralmux-hazelcast-discovery")), at(get("RoleBinding/coralmux-hazelcast-discovery"), "roleRef", "name"));
  }

  /**
   * On 2 CPUs or less (a small pod) the JVM picks the serial collector unless told otherwise, and
   * its pauses set the latency tail (docs/BENCHMARKS.md, "JVM flags"): the image and the pod both
   * choose G1 with a small pause goal and a small young generation (so each pause is short), as do
   * the scripts that start relays.
   */
  @Test
  void theImageAndThePodChooseTheLowPauseCollector() throws Exception {
    List<Map<String, Object>> env = at(container(), "env");
    String pod = env.stream().filter(e -> "JAVA_TOOL_OPTIONS".equals(e.get("name"))).map(e -> (String) e.get("value"))
        .findFirst().orElse("");
    String docker = Files.readString(Path.of("Dockerfile"));
    String run = Files.readString(Path.of("scripts", "run-relay.sh"));
    String cluster = Files.readString(Path.of("scripts", "cluster-up.sh"));
    for (String flag : List.of("-XX:+UseG1GC", "-XX:MaxGCPauseMillis=5", "-XX:+UnlockExperimentalVMOptions",
        "-XX:G1NewSizePercent=2", "-XX:G1MaxNewSizePercent=10")) {
      assertTrue(pod.contains(flag), "the Deployment's JAVA_TOOL_OPTIONS lack " + flag + ": " + pod);
      assertTrue(docker.contains(flag), "the Dockerfile's JAVA_TOOL_OPTIONS lack " + flag);
      assertTrue(run.contains(flag), "scripts/run-relay.sh lacks " + flag);
      assertTrue(cluster.contains(flag), "scripts/cluster-up.sh lacks " + flag);
    }
  }

  @Test
  void dockerfileUsesTheJarTheBuildMakesAndTheConfPathsTheRelayReads() throws Exception {
    assertTrue(Files.readString(Path.of("Dockerfile")).contains("VOLUME [\"/data\"]"), "the data directory is a volume");
    String docker = Files.readString(Path.of("Dockerfile"));
    String finalName = Files.readString(Path.of("pom.xml")).replaceAll("(?s).*<finalName>([^<]+)</finalName>.*", "$1");
    assertTrue(docker.contains("/src/target/" + finalName + ".jar /app/" + finalName + ".jar"), "COPY of the built jar");
    assertTrue(docker.contains("\"-jar\", \"/app/" + finalName + ".jar\""), "ENTRYPOINT runs that jar");
    assertTrue(docker.contains("WORKDIR /app"));
    assertEquals(Path.of("conf", "relay.json"), ConfigLoader.DEFAULT_FILE);
    assertEquals(Path.of("conf", "cluster.json"), ClusterConfig.DEFAULT_FILE);
    assertTrue(docker.contains("COPY conf/relay.json conf/cluster.json /app/conf/"));
    assertTrue(docker.contains("USER 10001"), "runs as non-root");
    assertTrue(docker.contains("EXPOSE 8080"));
    assertEquals(10001, (int) at(deployment(), "spec", "template", "spec", "securityContext", "runAsUser"));
  }
}
