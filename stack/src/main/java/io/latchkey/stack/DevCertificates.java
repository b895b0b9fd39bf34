package io.latchkey.stack;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The dev stack's throw-away PKI for {@code --tls}: a CA, one server certificate for {@code localhost},
 * {@code 127.0.0.1} and {@code ::1} that every listener presents, and a client certificate auth-server shows to
 * key-service's mutual-TLS internal listener. Written once as PEM files under {@code <data dir>/tls/} (keys
 * owner-only) and reused while the server certificate is valid for another day; the CA's private key is never
 * written, so nothing else can ever be issued under it. EC P-256, so generation takes milliseconds.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc5280">RFC 5280 (X.509 certificates)</a>
 */
record DevCertificates(Path ca, Path serverChain, Path serverKey, Path clientChain, Path clientKey) {
    private static final Duration CA_LIFETIME = Duration.ofDays(3650);
    private static final Duration LEAF_LIFETIME = Duration.ofDays(397);
    private static final String[] SERVER_NAMES = {"localhost", "127.0.0.1", "::1"};

    static DevCertificates in(Path dataDir) {
        Path dir = dataDir.resolve("tls");
        return new DevCertificates(
                dir.resolve("ca.pem"),
                dir.resolve("server.pem"),
                dir.resolve("server-key.pem"),
                dir.resolve("client.pem"),
                dir.resolve("client-key.pem"));
    }

    /** The certificates under {@code dataDir}, generated now when absent or about to expire. */
    static DevCertificates loadOrCreate(Path dataDir) throws IOException, GeneralSecurityException {
        DevCertificates files = in(dataDir);
        if (!files.usable()) {
            files.generate();
        }
        return files;
    }

    private boolean usable() throws IOException {
        for (Path file : new Path[] {ca, serverChain, serverKey, clientChain, clientKey}) {
            if (!Files.isRegularFile(file)) {
                return false;
            }
        }
        try (var in = Files.newInputStream(serverChain)) {
            X509Certificate leaf =
                    (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            return leaf.getNotAfter().toInstant().isAfter(Instant.now().plus(Duration.ofDays(1)));
        } catch (CertificateException e) {
            return false;
        }
    }

    private void generate() throws IOException, GeneralSecurityException {
        try {
            Files.createDirectories(ca.getParent());
            KeyPair caKeys = keyPair();
            X500Name caName = new X500Name("CN=Latchkey throw-away dev CA");
            X509Certificate caCertificate = sign(
                    builder(caName, caName, caKeys, CA_LIFETIME)
                            .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                            .addExtension(
                                    Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)),
                    caKeys);
            GeneralName[] alt = new GeneralName[SERVER_NAMES.length];
            for (int i = 0; i < alt.length; i++) {
                String name = SERVER_NAMES[i];
                alt[i] = new GeneralName(name.equals("localhost") ? GeneralName.dNSName : GeneralName.iPAddress, name);
            }
            issue(
                    caName,
                    caKeys,
                    caCertificate,
                    "localhost",
                    KeyPurposeId.id_kp_serverAuth,
                    new GeneralNames(alt),
                    serverChain,
                    serverKey);
            issue(
                    caName,
                    caKeys,
                    caCertificate,
                    "auth-server",
                    KeyPurposeId.id_kp_clientAuth,
                    null,
                    clientChain,
                    clientKey);
            // The CA last: its presence with valid leaves is what "already generated" means.
            Files.writeString(ca, pem("CERTIFICATE", caCertificate.getEncoded()), StandardCharsets.US_ASCII);
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign the dev certificates", e);
        }
    }

    private static void issue(
            X500Name caName,
            KeyPair caKeys,
            X509Certificate caCertificate,
            String commonName,
            KeyPurposeId purpose,
            GeneralNames altNames,
            Path chainFile,
            Path keyFile)
            throws IOException, GeneralSecurityException, OperatorCreationException {
        KeyPair keys = keyPair();
        X509v3CertificateBuilder builder = builder(caName, new X500Name("CN=" + commonName), keys, LEAF_LIFETIME)
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        if (altNames != null) {
            builder.addExtension(Extension.subjectAlternativeName, false, altNames);
        }
        X509Certificate leaf = sign(builder, caKeys);
        Files.writeString(
                chainFile,
                pem("CERTIFICATE", leaf.getEncoded()) + pem("CERTIFICATE", caCertificate.getEncoded()),
                StandardCharsets.US_ASCII);
        Files.deleteIfExists(keyFile);
        Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(keyFile, pem("PRIVATE KEY", keys.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys, Duration life) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(
                issuer,
                new BigInteger(128, new SecureRandom()),
                Date.from(now.minus(Duration.ofMinutes(5))),
                Date.from(now.plus(life)),
                subject,
                keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter()
                .getCertificate(
                        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
