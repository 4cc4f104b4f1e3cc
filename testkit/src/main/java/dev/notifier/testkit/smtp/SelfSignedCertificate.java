package dev.notifier.testkit.smtp;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed server certificate (EC P-256) generated at runtime with BouncyCastle, plus the key
 * store a server needs and the trust store a client needs to accept it.
 *
 * <p>The certificate names {@code hostName} as its subject CN and as a DNS subject alternative name;
 * for "localhost" it also carries the IP address 127.0.0.1, so clients that connect to
 * {@code 127.0.0.1} and check the server's identity accept it. Generate it for another name
 * (e.g. "wrong.example") to exercise a client's host name verification. Validity is real time
 * (one day back, one year ahead) because clients check it against their own clock.
 */
public final class SelfSignedCertificate {

    private static final char[] KEY_PASSWORD = "testkit".toCharArray();
    private static final String ALIAS = "smtp";

    private final String hostName;
    private final KeyPair keyPair;
    private final X509Certificate certificate;

    private SelfSignedCertificate(String hostName, KeyPair keyPair, X509Certificate certificate) {
        this.hostName = hostName;
        this.keyPair = keyPair;
        this.certificate = certificate;
    }

    /** Generates a certificate for "localhost" (SAN DNS:localhost, IP:127.0.0.1). */
    public static SelfSignedCertificate forLocalhost() {
        return forHost("localhost");
    }

    /** Generates a certificate for {@code hostName}. */
    public static SelfSignedCertificate forHost(String hostName) {
        Objects.requireNonNull(hostName, "hostName");
        if (hostName.isBlank()) {
            throw new IllegalArgumentException("certificate host name must not be blank");
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            KeyPair keyPair = generator.generateKeyPair();
            return new SelfSignedCertificate(hostName, keyPair, sign(hostName, keyPair));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("Could not generate a self-signed certificate for " + hostName, e);
        }
    }

    private static X509Certificate sign(String hostName, KeyPair keyPair)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        X500Name subject = new X500Name("CN=" + hostName + ", O=notifier testkit");
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofDays(1))),
                Date.from(now.plus(Duration.ofDays(365))), subject, keyPair.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false, subjectAlternativeNames(hostName));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keyPair.getPrivate())));
    }

    private static GeneralNames subjectAlternativeNames(String hostName) {
        List<GeneralName> names = new ArrayList<>();
        names.add(new GeneralName(GeneralName.dNSName, hostName));
        if (hostName.toLowerCase(Locale.ROOT).equals("localhost")) {
            names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
        }
        return new GeneralNames(names.toArray(new GeneralName[0]));
    }

    /** The host name the certificate was issued for. */
    public String hostName() {
        return hostName;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** A fresh in-memory PKCS12 trust store holding only this certificate (no password needed to read it). */
    public KeyStore trustStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry(ALIAS, certificate);
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("Could not build a trust store for " + hostName, e);
        }
    }

    /** Writes {@link #trustStore()} as a PKCS12 file, e.g. for {@code javax.net.ssl.trustStore}. */
    public void writeTrustStore(Path file, char[] password) throws IOException {
        Objects.requireNonNull(password, "password");
        try (OutputStream out = Files.newOutputStream(file)) {
            trustStore().store(out, password);
        } catch (GeneralSecurityException e) {
            throw new IOException("Could not write the trust store for " + hostName + " to " + file, e);
        }
    }

    /** Writes the certificate and its private key as a PKCS12 key store (key password = store password). */
    public void writeKeyStore(Path file, char[] password) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, keyPair.getPrivate(), password, new X509Certificate[] {certificate});
            store.store(out, password);
        } catch (GeneralSecurityException e) {
            throw new IOException("Could not write the key store for " + hostName + " to " + file, e);
        }
    }

    /** An SSL context that trusts this certificate only; hand its socket factory to a client. */
    public SSLContext clientSslContext() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trustStore());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not build a client SSL context for " + hostName, e);
        }
    }

    /** An SSL context that presents this certificate; used by the server. */
    SSLContext serverSslContext() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, keyPair.getPrivate(), KEY_PASSWORD, new X509Certificate[] {certificate});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, KEY_PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("Could not build a server SSL context for " + hostName, e);
        }
    }

    @Override
    public String toString() {
        return "SelfSignedCertificate[" + hostName + ", " + certificate.getSubjectX500Principal() + "]";
    }
}
