package io.latchkey.auth.feed;

import io.latchkey.db.DatabaseSettings;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

/**
 * The feed side of {@link FeedLatencyBenchmark}, in its own JVM so its heap holds only the feed: one replica on
 * the database in {@code LATCHKEY_DB_URL}. Prints {@code PORT <n>}, then answers {@code heap} on stdin with
 * {@code HEAP <bytes used after GC>} and stops on {@code quit}.
 */
public final class FeedBenchmarkServer {
    private FeedBenchmarkServer() {}

    public static void main(String[] args) throws Exception {
        DatabaseSettings database = DatabaseSettings.parse("LATCHKEY_DB_URL", System.getenv("LATCHKEY_DB_URL"));
        Vertx vertx = Vertx.vertx();
        FeedServer server = new FeedServer(database, FeedSettings.defaults());
        vertx.deployVerticle(server).toCompletionStage().toCompletableFuture().get();
        System.out.println("PORT " + server.port());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.equals("quit")) {
            if (line.equals("heap")) {
                System.out.println("HEAP " + usedHeapAfterGc());
                System.out.flush();
            }
        }
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    private static long usedHeapAfterGc() {
        var memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        // Several collections, keeping the lowest reading: one full GC can leave floating garbage behind.
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
