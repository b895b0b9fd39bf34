package io.latchkey.cli;

import picocli.CommandLine.Option;

/** The paging options every list takes. */
final class Paging {
    @Option(names = "--limit", paramLabel = "N", description = "Items per page, 1 to 200 (the server's default: 50).")
    Integer limit;

    @Option(
            names = "--cursor",
            paramLabel = "CURSOR",
            description = "Resume at this page (the \"next\" of the one before).")
    String cursor;

    @Option(names = "--all", description = "Follow every page and show all items at once.")
    boolean all;
}
