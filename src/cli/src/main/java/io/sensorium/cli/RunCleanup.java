package io.sensorium.cli;

import io.sensorium.core.files.TempDirectories;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/** Removes what a reprocessing run keeps in Kafka and on disk while it runs. */
final class RunCleanup {
    private RunCleanup() {}

    /**
     * Takes the members a killed process of the run left in its stages' groups out of them: Kafka Streams leaves a
     * group on close only as a static member, and a new process would otherwise wait out each old member's session
     * (45 s) before it got the partitions.
     */
    static void removeMembers(Admin admin, ReprocessRun run) throws InterruptedException {
        for (String group : stageGroups(run)) {
            try {
                ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
                if (!description.members().isEmpty()) {
                    admin.removeMembersFromConsumerGroup(group, new RemoveMembersFromConsumerGroupOptions()).all().get();
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                    throw new IllegalStateException("cannot clear group " + group + ": " + e.getCause().getMessage(), e.getCause());
                }
            }
        }
    }

    /**
     * Once the run is done (the registry says so first, so that nothing is ever redone on an empty copy): its own
     * topics, the stages' internal topics, its groups and its state directory. A failure is reported, and the
     * next run of the same command, which finds the run done, tries again.
     */
    static void removeLeftovers(Admin admin, ReprocessRun run, Path stateDir) {
        try {
            removeMembers(admin, run);
            List<String> topics = admin.listTopics().names().get().stream()
                    .filter(topic -> topic.startsWith(run.privateTopic("")) || topic.startsWith(run.applicationIdPrefix() + "-"))
                    .toList();
            admin.deleteTopics(topics).all().get();
            List<String> groups = new ArrayList<>(stageGroups(run));
            groups.add(run.copyGroup());
            for (String group : groups) {
                deleteGroup(admin, group);
            }
            TempDirectories.delete(stateDir);
        } catch (ExecutionException e) {
            System.err.println("sensorium: run " + run.run() + " is done, but what it kept could not all be removed ("
                    + e.getCause().getMessage() + "); the same command tries again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while removing what run " + run.run() + " kept", e);
        }
    }

    private static void deleteGroup(Admin admin, String group) throws ExecutionException, InterruptedException {
        try {
            admin.deleteConsumerGroups(List.of(group)).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                throw e;
            }
        }
    }

    private static List<String> stageGroups(ReprocessRun run) {
        return ReprocessKind.of(run.kind()).stages().stream()
                .map(stage -> run.applicationIdPrefix() + "-" + stage).toList();
    }
}
