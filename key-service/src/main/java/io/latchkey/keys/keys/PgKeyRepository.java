package io.latchkey.keys.keys;

import io.latchkey.db.Transactions;
import io.latchkey.keys.crypto.PublicJwk;
import io.latchkey.keys.crypto.SigningAlgorithm;
import io.latchkey.keys.keys.RevocationOutcome.Status;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@link KeyRepository} on PostgreSQL ({@code signing_keys}, V5 and V12) for the keys of one algorithm: every
 * query reads and every write changes that ring's rows only, under that ring's generation lock
 * ({@link SigningAlgorithm#generationLock()}: 7240200 for RS256, 7240201 for ES256; distinct from the migration
 * (7240001) and revocation (7240100) locks), so the rings rotate and revoke independently.
 */
public final class PgKeyRepository implements KeyRepository {

    /** Kid revocation entries live 30 days, longer than any token a revoked key signed. */
    static final Duration KID_ENTRY_LIFETIME = Duration.ofDays(30);

    private static final String LIVE = """
            SELECT kid, key_size, public_jwk, kek_fingerprint, publish_at, activate_at, retired_at, remove_at, revoked_at
              FROM signing_keys
             WHERE algorithm = $2 AND revoked_at IS NULL AND (remove_at IS NULL OR remove_at > $1)
             ORDER BY activate_at, kid""";

    private static final String ALL = """
            SELECT kid, key_size, public_jwk, kek_fingerprint, publish_at, activate_at, retired_at, remove_at, revoked_at
              FROM signing_keys WHERE algorithm = $1 ORDER BY activate_at DESC, kid LIMIT 200""";

    private static final String SEALED =
            "SELECT sealed_private_key FROM signing_keys WHERE kid = $1 AND algorithm = $2";

    private static final String LOCK = "SELECT pg_advisory_xact_lock($1)";

    private static final String NEWEST_ACTIVATION =
            "SELECT max(activate_at) AS newest FROM signing_keys WHERE algorithm = $1 AND revoked_at IS NULL";

    private static final String INSERT = """
            INSERT INTO signing_keys
                (kid, key_size, public_jwk, sealed_private_key, kek_fingerprint, publish_at, activate_at, algorithm)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            RETURNING kid, key_size, public_jwk, kek_fingerprint, publish_at, activate_at, retired_at, remove_at, revoked_at""";

    private static final String FIND_FOR_UPDATE = """
            SELECT kid, key_size, public_jwk, kek_fingerprint, publish_at, activate_at, retired_at, remove_at, revoked_at
              FROM signing_keys WHERE kid = $1 AND algorithm = $2 FOR UPDATE""";

    private static final String MARK_REVOKED = """
            UPDATE signing_keys
               SET revoked_at = $2,
                   remove_at = $2,
                   retired_at = CASE WHEN retired_at IS NULL OR retired_at > $2 THEN $2 ELSE retired_at END
             WHERE kid = $1""";

    private static final String APPEND_KID_ENTRY = "SELECT revocation_append('kid', $1, NULL, $2)";

    /** The published key that would sign next: it has been in the JWKS longest. */
    private static final String NEXT_PUBLISHED = """
            SELECT kid FROM signing_keys
             WHERE algorithm = $2 AND revoked_at IS NULL AND publish_at <= $1 AND activate_at > $1
             ORDER BY activate_at, kid
             LIMIT 1""";

    private static final String ACTIVATE_NOW = "UPDATE signing_keys SET activate_at = $2 WHERE kid = $1";

    /**
     * Each key of this ring not yet retired retires when the ring's next unrevoked key activates, and leaves the JWKS once its last
     * token has expired (retirement + grace). Keys already retired keep their times.
     */
    private static final String RECOMPUTE_RETIREMENT = """
            UPDATE signing_keys k
               SET retired_at = n.next_activate,
                   remove_at = n.next_activate + ($2::bigint * interval '1 millisecond')
              FROM (SELECT kid, lead(activate_at) OVER (ORDER BY activate_at, kid) AS next_activate
                      FROM signing_keys WHERE algorithm = $3 AND revoked_at IS NULL) n
             WHERE k.kid = n.kid
               AND k.revoked_at IS NULL
               AND (k.retired_at IS NULL OR k.retired_at > $1)
               AND k.retired_at IS DISTINCT FROM n.next_activate""";

    private final Pool pool;
    private final SigningAlgorithm algorithm;
    private final String alg;

    public PgKeyRepository(Pool pool, SigningAlgorithm algorithm) {
        this.pool = pool;
        this.algorithm = algorithm;
        this.alg = algorithm.name();
    }

    public SigningAlgorithm algorithm() {
        return algorithm;
    }

    @Override
    public Future<List<KeyRecord>> live(Instant now) {
        return pool.preparedQuery(LIVE).execute(Tuple.of(ts(now), alg)).map(PgKeyRepository::records);
    }

    @Override
    public Future<List<KeyRecord>> all() {
        return pool.preparedQuery(ALL).execute(Tuple.of(alg)).map(PgKeyRepository::records);
    }

    @Override
    public Future<Optional<byte[]>> sealedPrivateKey(String kid) {
        return pool.preparedQuery(SEALED)
                .execute(Tuple.of(kid, alg))
                .map(rows -> first(rows, row -> row.getBuffer(0).getBytes()));
    }

    @Override
    public Future<Boolean> insertIfDue(NewKey key, Instant now, RotationSchedule schedule, Duration retireGrace) {
        return Transactions.run(pool, conn -> lock(conn)
                .compose(v -> conn.preparedQuery(NEWEST_ACTIVATION).execute(Tuple.of(alg)))
                .compose(rows -> {
                    Optional<Instant> newest =
                            Optional.ofNullable(instant(rows.iterator().next(), "newest"));
                    if (!schedule.due(newest, now)) {
                        return Future.succeededFuture(false);
                    }
                    // The first key signs at once; each later one once every replica has listed it for the lead.
                    Instant activateAt = newest.isPresent() ? now.plus(schedule.lead()) : now;
                    return insert(conn, key, now, activateAt)
                            .compose(inserted -> recomputeRetirement(conn, now, retireGrace))
                            .map(true);
                }));
    }

    @Override
    public Future<KeyRecord> insertRotation(NewKey key, Instant now, Duration lead, Duration retireGrace) {
        return Transactions.run(pool, conn -> lock(conn)
                .compose(v -> insert(conn, key, now, now.plus(lead)))
                .compose(inserted -> recomputeRetirement(conn, now, retireGrace).map(inserted)));
    }

    @Override
    public Future<RevocationOutcome> revoke(String kid, Instant now, Optional<NewKey> spare, Duration retireGrace) {
        return Transactions.run(pool, conn -> lock(conn)
                .compose(v -> conn.preparedQuery(FIND_FOR_UPDATE).execute(Tuple.of(kid, alg)))
                .compose(rows -> {
                    List<KeyRecord> found = records(rows);
                    if (found.isEmpty()) {
                        return Future.succeededFuture(RevocationOutcome.of(Status.NOT_FOUND));
                    }
                    if (found.get(0).revokedAt() != null) {
                        return Future.succeededFuture(RevocationOutcome.of(Status.ALREADY_REVOKED));
                    }
                    if (found.get(0).stateAt(now) != KeyState.ACTIVE) {
                        return markRevoked(conn, kid, now)
                                .compose(v -> recomputeRetirement(conn, now, retireGrace))
                                .map(v -> RevocationOutcome.revoked(Optional.empty()));
                    }
                    // It was signing: decide who takes over before changing anything, so a missing spare
                    // leaves the key as it was.
                    return nextPublished(conn, now).compose(next -> {
                        if (next.isEmpty() && spare.isEmpty()) {
                            return Future.succeededFuture(RevocationOutcome.of(Status.NEEDS_SPARE));
                        }
                        return markRevoked(conn, kid, now)
                                .compose(v -> next.isPresent()
                                        ? activateNow(conn, next.get(), now)
                                        : insert(conn, spare.get(), now, now).map(KeyRecord::kid))
                                .compose(successor -> recomputeRetirement(conn, now, retireGrace)
                                        .map(v -> RevocationOutcome.revoked(Optional.of(successor))));
                    });
                }));
    }

    /** Marks {@code kid} revoked and out of the JWKS at {@code now}, and lists it on the revocation feed. */
    private static Future<Void> markRevoked(SqlConnection conn, String kid, Instant now) {
        long entryExpiresAt = now.plus(KID_ENTRY_LIFETIME).getEpochSecond();
        return conn.preparedQuery(MARK_REVOKED)
                .execute(Tuple.of(kid, ts(now)))
                .compose(r -> conn.preparedQuery(APPEND_KID_ENTRY).execute(Tuple.of(kid, entryExpiresAt)))
                .mapEmpty();
    }

    /** The published key of this ring that would sign next, if any. */
    private Future<Optional<String>> nextPublished(SqlConnection conn, Instant now) {
        return conn.preparedQuery(NEXT_PUBLISHED)
                .execute(Tuple.of(ts(now), alg))
                .map(rows -> first(rows, row -> row.getString("kid")));
    }

    private static Future<String> activateNow(SqlConnection conn, String kid, Instant now) {
        return conn.preparedQuery(ACTIVATE_NOW).execute(Tuple.of(kid, ts(now))).map(kid);
    }

    private Future<Void> lock(SqlConnection conn) {
        return conn.preparedQuery(LOCK)
                .execute(Tuple.of(algorithm.generationLock()))
                .mapEmpty();
    }

    private Future<KeyRecord> insert(SqlConnection conn, NewKey key, Instant publishAt, Instant activateAt) {
        if (key.jwk().algorithm() != algorithm) {
            return Future.failedFuture(new IllegalArgumentException("a key of another algorithm"));
        }
        return conn.preparedQuery(INSERT)
                .execute(Tuple.of(
                        key.kid(),
                        key.keySize(),
                        key.jwk().toStoredJson(),
                        Buffer.buffer(key.sealedPrivateKey()),
                        key.kekFingerprint(),
                        ts(publishAt),
                        ts(activateAt),
                        alg))
                .map(rows -> records(rows).get(0));
    }

    private Future<Void> recomputeRetirement(SqlConnection conn, Instant now, Duration retireGrace) {
        return conn.preparedQuery(RECOMPUTE_RETIREMENT)
                .execute(Tuple.of(ts(now), retireGrace.toMillis(), alg))
                .mapEmpty();
    }

    private static List<KeyRecord> records(RowSet<Row> rows) {
        List<KeyRecord> records = new ArrayList<>(rows.size());
        for (Row row : rows) {
            records.add(new KeyRecord(
                    row.getString("kid"),
                    row.getInteger("key_size"),
                    PublicJwk.fromJson((JsonObject) row.getValue("public_jwk")),
                    row.getString("kek_fingerprint"),
                    instant(row, "publish_at"),
                    instant(row, "activate_at"),
                    instant(row, "retired_at"),
                    instant(row, "remove_at"),
                    instant(row, "revoked_at")));
        }
        return records;
    }

    private static <T> Optional<T> first(RowSet<Row> rows, Function<Row, T> column) {
        var it = rows.iterator();
        return it.hasNext() ? Optional.of(column.apply(it.next())) : Optional.empty();
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime ts(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
