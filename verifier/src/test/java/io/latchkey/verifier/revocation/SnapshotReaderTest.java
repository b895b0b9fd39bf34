package io.latchkey.verifier.revocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SnapshotReaderTest {
    private static long read(String json, List<RevocationEntry> into) {
        return SnapshotReader.read(Buffer.buffer(json), into::add);
    }

    @Test
    void readWhenAnAnswerThenEveryEntryInOrderAndItsLastSeq() {
        List<RevocationEntry> entries = new ArrayList<>();
        long last = read("""
                {"entries":[{"seq":3,"type":"sid","value":"s","expires_at":10,"future":{"a":[1]}},
                {"seq":5,"type":"sub","value":"u","not_before":4,"expires_at":11}],"other":[1,2],"last_seq":7}""", entries);

        assertEquals(7, last);
        assertEquals(
                List.of(
                        new RevocationEntry(3, RevocationEntry.Type.SID, "s", Optional.empty(), 10),
                        new RevocationEntry(5, RevocationEntry.Type.SUB, "u", Optional.of(4L), 11)),
                entries);
    }

    @Test
    void readWhenEmptyThenNoEntryAndTheLastSeq() {
        List<RevocationEntry> entries = new ArrayList<>();

        assertEquals(9, read("{\"last_seq\":9,\"entries\":[]}", entries));
        assertEquals(List.of(), entries);
    }

    @Test
    void readWhenMalformedThenRefused() {
        List<RevocationEntry> entries = new ArrayList<>();
        for (String bad : List.of(
                "{\"entries\":[]}",
                "{\"last_seq\":1}",
                "{\"entries\":[],\"last_seq\":\"1\"}",
                "[]",
                "{\"entries\":[{\"seq\":\"1\",\"type\":\"jti\",\"value\":\"j\",\"expires_at\":5}],\"last_seq\":1}",
                "{\"entries\":[{\"seq\":1,\"type\":\"new\",\"value\":\"j\",\"expires_at\":5}],\"last_seq\":1}",
                "{\"entries\":[{\"seq\":1,\"type\":\"jti\",\"value\":{},\"expires_at\":5}],\"last_seq\":1}",
                "{\"entries\":[{\"seq\":1,",
                "not json")) {
            assertThrows(IllegalArgumentException.class, () -> read(bad, entries), bad);
        }
    }
}
