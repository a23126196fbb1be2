package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorium.core.config.ConfigLoader;
import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.kafka.StreamsStage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.assertj.core.api.Condition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/**
 * The deploy files against what the code serves and accepts (no Docker engine or cluster runs them here): every
 * command they run is one the launcher parses, every setting is a configuration key, every probe and scrape goes to
 * the metrics port the stage is given, each Deployment reads the Secret that logs it in to a secured cluster, images
 * are built from the archive deploy/dist.sh makes, KEDA counts each stage's own consumer group on its own input topic,
 * and the dashboard queries only meters the README's "Metrics and health" lists.
 */
class DeployFilesTest {
    private static final Path ROOT = repositoryRoot();
    private static final Path DEPLOY = ROOT.resolve("deploy");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> PROBES = Set.of("/health/live", "/health/ready");
    private static final Pattern HEALTHCHECK_URL = Pattern.compile("http://localhost:(\\d+)(/\\S*)");
    private static final Pattern METER = Pattern.compile("\\b(?:sensorium|kafka|jvm)_[a-z0-9_]+");
    /** The series Prometheus makes of a histogram or summary, beside its name. */
    private static final Pattern SERIES_SUFFIX = Pattern.compile("_(?:bucket|count|sum|max)$");
    private static final String IMAGE = "sensorium";
    /** The Secret whose SENSORIUM_KAFKA_CLIENT_* variables log every stage in to a secured cluster (README). */
    private static final String KAFKA_CLIENT_SECRET = "sensorium-kafka-client";

    @Test
    void composeRunsEveryStageOnTheKafkaOfTheBuildAndProbesItsMetricsPort() throws IOException {
        JsonNode compose = yaml(DEPLOY.resolve("compose.yaml")).get(0);
        JsonNode services = compose.get("services");
        assertThat(services.get("kafka").get("image").asText()).as("the Kafka the project builds against")
                .isEqualTo("apache/kafka:" + pomProperty("kafka.version"));

        Set<String> stages = new TreeSet<>();
        for (Map.Entry<String, JsonNode> entry : fields(services)) {
            JsonNode service = entry.getValue();
            if (!IMAGE.equals(service.path("image").asText())) {
                continue;
            }
            assertThat(service.get("build").get("dockerfile").asText()).isEqualTo("deploy/Dockerfile");
            List<String> command = strings(service.get("command"));
            CommandLine.ParseResult parsed = parse(command);
            Map<String, String> env = new HashMap<>();
            fields(service.path("environment")).forEach(e -> env.put(e.getKey(), e.getValue().asText()));
            SensoriumConfig config = config(null, env);
            if (!command.get(0).equals("process")) {
                continue;
            }
            stages.add(command.get(1));
            int port = metricsPort(parsed, config);
            String healthcheck = String.join(" ", strings(service.get("healthcheck").get("test")));
            Matcher url = HEALTHCHECK_URL.matcher(healthcheck);
            assertThat(url.find()).as("%s's healthcheck: %s", entry.getKey(), healthcheck).isTrue();
            assertThat(Integer.parseInt(url.group(1))).as("%s's healthcheck port", entry.getKey()).isEqualTo(port);
            assertThat(url.group(2)).isIn(PROBES);
            assertThat(strings(service.get("ports"))).as("%s publishes its metrics port", entry.getKey())
                    .anyMatch(mapping -> mapping.equals(Integer.toString(port)) || mapping.endsWith(":" + port));
        }
        assertThat(stages).as("a service per stage").isEqualTo(processStages());
    }

    @Test
    void kubernetesProbesAndScrapesEachStageOnItsPortAndScalesItOnItsOwnGroup(@TempDir Path tmp) throws IOException {
        Path k8s = DEPLOY.resolve("k8s");
        List<String> resources = strings(yaml(k8s.resolve("kustomization.yaml")).get(0).get("resources"));
        try (Stream<Path> files = Files.list(k8s)) {
            assertThat(files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".yaml") && !name.equals("kustomization.yaml")))
                    .as("kustomization.yaml names every manifest").containsExactlyInAnyOrderElementsOf(resources);
        }
        List<JsonNode> docs = new ArrayList<>();
        for (String resource : resources) {
            docs.addAll(yaml(k8s.resolve(resource)));
        }
        JsonNode configMap = kind(docs, "ConfigMap").get(0);
        Path configFile = tmp.resolve("sensorium.yaml");
        Files.writeString(configFile, configMap.get("data").get("sensorium.yaml").asText());

        Set<String> stages = new TreeSet<>();
        for (JsonNode deployment : kind(docs, "Deployment")) {
            String name = deployment.get("metadata").get("name").asText();
            JsonNode pod = deployment.get("spec").get("template");
            JsonNode container = pod.get("spec").get("containers").get(0);
            assertThat(container.get("image").asText()).isEqualTo(IMAGE);
            List<String> args = strings(container.get("args"));
            CommandLine.ParseResult parsed = parse(args);
            assertThat(args.get(0)).isEqualTo("process");
            String stage = args.get(1);
            stages.add(stage);

            String configPath = parsed.subcommand().subcommand().matchedOption("--config").getValue().toString();
            JsonNode mount = mountOf(pod, container, configPath);
            assertThat(mount.path("configMap").path("name").asText()).as("%s reads the ConfigMap", name)
                    .isEqualTo(configMap.get("metadata").get("name").asText());
            Map<String, String> env = new HashMap<>();
            container.path("env").forEach(variable -> env.put(variable.get("name").asText(), variable.path("value").asText()));
            SensoriumConfig config = config(configFile, env);
            assertThat(container.path("envFrom").findValuesAsText("name")).as("%s reads a secured cluster's login", name)
                    .contains(KAFKA_CLIENT_SECRET);

            int port = metricsPort(parsed, config);
            Map<String, Integer> ports = new HashMap<>();
            container.get("ports").forEach(p -> ports.put(p.get("name").asText(), p.get("containerPort").asInt()));
            assertThat(ports).containsValue(port);
            for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                JsonNode get = container.get(probe).get("httpGet");
                JsonNode probePort = get.get("port");
                assertThat(probePort.isInt() ? probePort.asInt() : ports.get(probePort.asText()))
                        .as("%s's %s port", name, probe).isEqualTo(port);
                assertThat(get.get("path").asText()).as("%s's %s", name, probe)
                        .isEqualTo(probe.equals("readinessProbe") ? "/health/ready" : "/health/live");
            }
            JsonNode annotations = pod.get("metadata").get("annotations");
            assertThat(annotations.get("prometheus.io/scrape").asText()).isEqualTo("true");
            assertThat(annotations.get("prometheus.io/port").asText()).isEqualTo(Integer.toString(port));
            assertThat(annotations.get("prometheus.io/path").asText()).isEqualTo("/metrics");
            assertThat(container.get("resources").get("requests").get("cpu")).isNotNull();

            JsonNode scaled = kind(docs, "ScaledObject").stream()
                    .filter(object -> object.get("spec").get("scaleTargetRef").get("name").asText().equals(name))
                    .findFirst().orElseThrow(() -> new AssertionError("no ScaledObject scales " + name));
            assertThat(scaled.get("spec").get("maxReplicaCount").asInt()).as("no more pods than partitions")
                    .isLessThanOrEqualTo(config.kafka().partitions());
            JsonNode trigger = scaled.get("spec").get("triggers").get(0);
            assertThat(trigger.get("type").asText()).isEqualTo("kafka");
            JsonNode lag = trigger.get("metadata");
            assertThat(lag.get("bootstrapServers").asText()).isEqualTo(config.kafka().bootstrapServers());
            assertThat(lag.get("consumerGroup").asText()).isEqualTo(StreamsStage.applicationId(config.kafka(), stage));
            assertThat(lag.get("topic").asText()).isEqualTo(StatusCommand.STAGES.stream()
                    .filter(s -> s.name().equals(stage)).findFirst().orElseThrow().input().apply(config.topics()));
        }
        assertThat(stages).as("a Deployment per stage").isEqualTo(processStages());
    }

    @Test
    void imagesAreBuiltFromTheArchivesDistShMakes() throws Exception {
        assertThat(addedArchive(DEPLOY.resolve("Dockerfile"))).is(archiveMatcher(distArchive()));
        assertThat(addedArchive(DEPLOY.resolve("Dockerfile.gpu"))).is(archiveMatcher(distArchive("--gpu")));
        assertThat(Files.readString(DEPLOY.resolve("Dockerfile.gpu"))).containsPattern("(?m)^FROM nvidia/cuda:12\\.\\S*cudnn");
    }

    @Test
    void theExampleConfigurationIsAccepted() {
        assertThat(config(DEPLOY.resolve("sensorium.yaml"), Map.of()).kafka().bootstrapServers()).isNotBlank();
    }

    @Test
    void theDashboardQueriesOnlyMetersTheReadmeLists() throws IOException {
        Set<String> listed = readmeMeters();
        assertThat(listed).as("README's Metrics and health").contains("sensorium_records_in_total");
        Set<String> exact = listed.stream().filter(name -> !name.endsWith("*")).collect(Collectors.toSet());
        Set<String> prefixes = listed.stream().filter(name -> name.endsWith("*"))
                .map(name -> name.substring(0, name.length() - 1)).collect(Collectors.toSet());

        JsonNode dashboard = JSON.readTree(DEPLOY.resolve("grafana/sensorium.json").toFile());
        List<String> queried = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                Matcher meter = METER.matcher(target.get("expr").asText());
                while (meter.find()) {
                    queried.add(meter.group());
                }
            }
        }
        assertThat(queried).isNotEmpty().allSatisfy(name -> assertThat(exact.contains(name)
                || exact.contains(SERIES_SUFFIX.matcher(name).replaceFirst(""))
                || prefixes.stream().anyMatch(name::startsWith)).as("%s is served", name).isTrue());
    }

    /** The names README's "Metrics and health" gives in backquotes; one ending in * stands for a family. */
    private static Set<String> readmeMeters() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int start = readme.indexOf("### Metrics and health");
        int end = readme.indexOf("\n#", start + 1);
        Matcher quoted = Pattern.compile("`((?:sensorium|kafka|jvm)_[a-z0-9_]*\\*?)").matcher(readme.substring(start, end));
        Set<String> names = new TreeSet<>();
        while (quoted.find()) {
            names.add(quoted.group(1));
        }
        return names;
    }

    /** The launcher parses these arguments (a misspelt command or option fails here). */
    private static CommandLine.ParseResult parse(List<String> args) {
        return new CommandLine(new Sensorium()).parseArgs(args.toArray(String[]::new));
    }

    private static Set<String> processStages() {
        return new TreeSet<>(new CommandLine(new Sensorium()).getSubcommands().get("process").getSubcommands().keySet());
    }

    /** The port a process command serves on: --metrics-port, else metrics.port from its configuration. */
    private static int metricsPort(CommandLine.ParseResult parsed, SensoriumConfig config) {
        CommandLine.ParseResult stage = parsed.subcommand().subcommand();
        int port = stage.hasMatchedOption("--metrics-port") ? stage.matchedOptionValue("--metrics-port", 0)
                : config.metrics().port();
        assertThat(port).as("a process command with metrics: %s", stage.originalArgs()).isPositive();
        return port;
    }

    /**
     * The configuration as ConfigLoader builds it, where every SENSORIUM_* variable must name a key: the loader only
     * warns of one that does not.
     */
    private static SensoriumConfig config(Path file, Map<String, String> env) {
        Set<String> variables = ConfigLoader.keys().stream().map(ConfigLoader::envName).collect(Collectors.toSet());
        assertThat(env.keySet().stream().filter(name -> name.startsWith("SENSORIUM_")))
                .as("SENSORIUM_* variables that set a configuration key").allMatch(variables::contains);
        return ConfigLoader.load(file, env, Map.of());
    }

    /** The volume mounted where {@code path} lies. */
    private static JsonNode mountOf(JsonNode pod, JsonNode container, String path) {
        String volume = StreamSupport.stream(container.get("volumeMounts").spliterator(), false)
                .filter(mount -> path.startsWith(mount.get("mountPath").asText() + "/"))
                .findFirst().orElseThrow(() -> new AssertionError(path + " is on no volume")).get("name").asText();
        return StreamSupport.stream(pod.get("spec").get("volumes").spliterator(), false)
                .filter(v -> v.get("name").asText().equals(volume)).findFirst().orElseThrow();
    }

    private static String addedArchive(Path dockerfile) throws IOException {
        Matcher add = Pattern.compile("(?m)^ADD (\\S+\\.tar\\.gz) ").matcher(Files.readString(dockerfile));
        assertThat(add.find()).as("%s adds an archive", dockerfile).isTrue();
        return add.group(1);
    }

    /** What {@code deploy/dist.sh --name} says it makes: the archive's path from the repository's root. */
    private static String distArchive(String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", DEPLOY.resolve("dist.sh").toString()));
        command.addAll(List.of(options));
        command.add("--name");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor()).as(out).isZero();
        return out;
    }

    private static Condition<String> archiveMatcher(String archive) {
        return new Condition<>(
                glob -> FileSystems.getDefault().getPathMatcher("glob:" + glob).matches(Path.of(archive)),
                "a pattern that matches " + archive);
    }

    private static List<JsonNode> kind(List<JsonNode> docs, String kind) {
        List<JsonNode> found = docs.stream().filter(doc -> doc.get("kind").asText().equals(kind)).toList();
        assertThat(found).as(kind).isNotEmpty();
        return found;
    }

    /** Every document of a YAML file, with anchors and merge keys resolved as Compose resolves them. */
    private static List<JsonNode> yaml(Path file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        for (Object doc : new Yaml().loadAll(Files.readString(file))) {
            if (doc != null) {
                docs.add(JSON.valueToTree(doc));
            }
        }
        return docs;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static Iterable<Map.Entry<String, JsonNode>> fields(JsonNode node) {
        return node::fields;
    }

    private static String pomProperty(String name) throws IOException {
        Matcher property = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)<").matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertThat(property.find()).as(name).isTrue();
        return property.group(1);
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.isDirectory(dir.resolve("deploy")) || !Files.isRegularFile(dir.resolve("README.md"))) {
            dir = dir.getParent();
        }
        return dir;
    }
}
