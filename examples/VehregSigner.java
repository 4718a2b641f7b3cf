// Request signing for the vehreg bureau API in plain Java 11+ (no dependencies).
// See docs/api/signing.md. Signs with version 1.1 (the string to sign also covers the
// Idempotency-Key and Content-Type headers); version 1.0 is deprecated and shown only
// to reproduce the old worked examples. HMAC-SM3 needs BouncyCastle
// (HMac(new SM3Digest())) and is not shown here; everything else is the same.
//
//   java examples/VehregSigner.java              # prints the worked examples' signatures
//   VEHREG_BASE_URL=http://127.0.0.1:8780 VEHREG_APP_KEY=... VEHREG_APP_SECRET=... \
//     java examples/VehregSigner.java stores     # a signed GET /v1/stores and a signed POST

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

public final class VehregSigner {
    private final String appKey;
    private final String appSecret;

    public VehregSigner(String appKey, String appSecret) {
        this.appKey = appKey;
        this.appSecret = appSecret;
    }

    /** RFC 3986 percent-encoding of UTF-8: unreserved characters stay, the rest is %XX (upper case). */
    static String encode(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    /** Percent-decoding as signing.md says: '+' is a space, a '%' without two hex digits stays. */
    static String decode(String value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] raw = value.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < raw.length; i++) {
            byte b = raw[i];
            if (b == '+') {
                bytes.write(' ');
            } else if (b == '%' && i + 2 < raw.length && hexValue(raw[i + 1]) >= 0
                    && hexValue(raw[i + 2]) >= 0) {
                bytes.write(hexValue(raw[i + 1]) * 16 + hexValue(raw[i + 2]));
                i += 2;
            } else {
                bytes.write(b);
            }
        }
        return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
    }

    private static int hexValue(byte b) {
        return Character.digit((char) b, 16);
    }

    /**
     * The canonical query: empty pairs dropped, each pair split on the first '=', decoded,
     * re-encoded, sorted by key then value, joined with '&'.
     */
    static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> pairs = new ArrayList<>();
        for (String part : rawQuery.split("&", -1)) {
            if (part.isEmpty()) {
                continue; // an empty pair ("a&&b", a leading or trailing '&') is dropped
            }
            int eq = part.indexOf('=');
            String key = eq < 0 ? part : part.substring(0, eq);
            String value = eq < 0 ? "" : part.substring(eq + 1);
            pairs.add(new String[] {encode(decode(key)), encode(decode(value))});
        }
        pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        List<String> joined = new ArrayList<>();
        for (String[] pair : pairs) {
            joined.add(pair[0] + "=" + pair[1]);
        }
        return String.join("&", joined);
    }

    static String hex(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            out.append(String.format("%02x", b & 0xff));
        }
        return out.toString();
    }

    static String sha256Hex(byte[] body) throws Exception {
        return hex(MessageDigest.getInstance("SHA-256").digest(body));
    }

    /** A signed header's line: its value without surrounding spaces/tabs, empty when absent. */
    static String headerLine(String value) {
        return value == null ? "" : value.replaceAll("^[ \\t]+|[ \\t]+$", "");
    }

    /**
     * The string to sign. Version "1.1": eight lines (the six of 1.0, then the
     * Idempotency-Key and Content-Type values, null meaning "not sent"). "1.0": six lines.
     */
    static String stringToSign(String version, String method, String path, String rawQuery,
                               String timestamp, String nonce, byte[] body,
                               String idempotencyKey, String contentType) throws Exception {
        String v10 = String.join("\n", method.toUpperCase(), path, canonicalQuery(rawQuery),
                timestamp, nonce, sha256Hex(body));
        if (version.equals("1.0")) {
            return v10;
        }
        if (!version.equals("1.1")) {
            throw new IllegalArgumentException("unknown signature version " + version);
        }
        return v10 + "\n" + headerLine(idempotencyKey) + "\n" + headerLine(contentType);
    }

    String sign(String version, String method, String path, String rawQuery, String timestamp,
                String nonce, byte[] body, String idempotencyKey, String contentType)
            throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(appSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] message = stringToSign(version, method, path, rawQuery, timestamp, nonce, body,
                idempotencyKey, contentType).getBytes(StandardCharsets.UTF_8);
        return hex(mac.doFinal(message));
    }

    /**
     * The X-Vehreg-* headers (version 1.1) for one request, with a fresh nonce and the
     * current time. Pass exactly the Idempotency-Key and Content-Type you send (null: none).
     */
    Map<String, String> headers(String method, String path, String rawQuery, byte[] body,
                                String idempotencyKey, String contentType) throws Exception {
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        String nonce = hex(random);
        String timestamp = Long.toString(System.currentTimeMillis() / 1000);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Vehreg-Key", appKey);
        headers.put("X-Vehreg-Timestamp", timestamp);
        headers.put("X-Vehreg-Nonce", nonce);
        headers.put("X-Vehreg-Signature-Method", "HMAC-SHA256");
        headers.put("X-Vehreg-Signature-Version", "1.1");
        headers.put("X-Vehreg-Signature", sign("1.1", method, path, rawQuery, timestamp, nonce,
                body, idempotencyKey, contentType));
        return headers;
    }

    private static String deprecation(HttpResponse<String> response) {
        return response.headers().firstValue("Deprecation").map(d -> " DEPRECATED " + d).orElse("");
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("stores")) {
            String base = System.getenv("VEHREG_BASE_URL");
            VehregSigner signer = new VehregSigner(System.getenv("VEHREG_APP_KEY"),
                    System.getenv("VEHREG_APP_SECRET"));
            HttpClient http = HttpClient.newHttpClient();
            // A GET: no Idempotency-Key, no Content-Type. "&&" is an empty pair, dropped.
            String query = "limit=5&&";
            HttpRequest.Builder get = HttpRequest.newBuilder(URI.create(base + "/v1/stores?" + query));
            signer.headers("GET", "/v1/stores", query, new byte[0], null, null).forEach(get::header);
            HttpResponse<String> stores = http.send(get.GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            System.out.println(stores.statusCode() + " " + stores.body() + deprecation(stores));
            // A POST: both headers are signed, exactly as sent.
            String key = UUID.randomUUID().toString();
            String contentType = "application/json";
            byte[] body = "{\"url\":\"http://127.0.0.1:9/java-hook\",\"events\":[\"*\"]}"
                    .getBytes(StandardCharsets.UTF_8);
            HttpRequest.Builder post = HttpRequest.newBuilder(
                    URI.create(base + "/v1/webhook-endpoints"));
            signer.headers("POST", "/v1/webhook-endpoints", "", body, key, contentType)
                    .forEach(post::header);
            post.header("Idempotency-Key", key).header("Content-Type", contentType);
            HttpResponse<String> created = http.send(
                    post.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            System.out.println("webhook endpoint: " + created.statusCode() + deprecation(created));
            return;
        }
        VehregSigner demo = new VehregSigner("vk_demo_haizhou_0001",
                "vs_demo_haizhou_5f1c7a92e04b4c3d8a61b2f0");
        String timestamp = "1795658400";
        String nonce = "0f8e2d6c-4b1a-49c3-9e57-a2d4c6b8e013";
        String query = "store_id=st_demo_haizhou_1&status=approved&limit=20&q=%E8%8B%8FG%20A";
        String cancel = "/v1/ebike-registrations/reg_0123456789abcdef01234567/cancel";
        // {"reason":"<the four Chinese characters for "customer return">"}, escaped so that
        // this file compiles the same under any platform encoding.
        byte[] body = "{\"reason\":\"\u987e\u5ba2\u9000\u8d27\"}".getBytes(StandardCharsets.UTF_8);
        String key = "4d2c9b1e-7f3a-4e58-a6b0-91c8d7e6f5a4";
        System.out.println("example 3: " + demo.sign("1.1", "GET", "/v1/ebike-registrations",
                query, timestamp, nonce, new byte[0], null, null));
        System.out.println("example 4: " + demo.sign("1.1", "POST", cancel, "", timestamp, nonce,
                body, key, "application/json"));
        System.out.println("example 1 (1.0, deprecated): " + demo.sign("1.0", "GET",
                "/v1/ebike-registrations", query, timestamp, nonce, new byte[0], null, null));
        System.out.println("example 2 (1.0, deprecated): " + demo.sign("1.0", "POST", cancel, "",
                timestamp, nonce, body, null, null));
        System.out.println("empty pairs: " + canonicalQuery("q=a&&limit=2") + " | "
                + canonicalQuery("&flag&=x&q=a+b&") + " | " + canonicalQuery("q=100%"));
    }
}
