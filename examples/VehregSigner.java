// Request signing for the vehreg bureau API in plain Java 11+ (no dependencies).
// See docs/api/signing.md. HMAC-SM3 needs BouncyCastle (HMac(new SM3Digest())) and is
// not shown here; everything else about the string to sign is the same.
//
//   java examples/VehregSigner.java              # prints the worked examples' signatures
//   VEHREG_BASE_URL=http://127.0.0.1:8780 VEHREG_APP_KEY=... VEHREG_APP_SECRET=... \
//     java examples/VehregSigner.java stores       # a signed GET /v1/stores

import java.net.URI;
import java.net.URLDecoder;
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

    /** The canonical query: decode each pair, re-encode, sort by key then value, join with '&'. */
    static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> pairs = new ArrayList<>();
        for (String part : rawQuery.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            String key = eq < 0 ? part : part.substring(0, eq);
            String value = eq < 0 ? "" : part.substring(eq + 1);
            pairs.add(new String[] {
                encode(URLDecoder.decode(key, StandardCharsets.UTF_8)),
                encode(URLDecoder.decode(value, StandardCharsets.UTF_8)),
            });
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

    /** The six lines of the contract, joined by '\n'. */
    static String stringToSign(String method, String path, String rawQuery, String timestamp,
                               String nonce, byte[] body) throws Exception {
        return String.join("\n", method.toUpperCase(), path, canonicalQuery(rawQuery), timestamp,
                nonce, sha256Hex(body));
    }

    String sign(String method, String path, String rawQuery, String timestamp, String nonce,
                byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(appSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] message = stringToSign(method, path, rawQuery, timestamp, nonce, body)
                .getBytes(StandardCharsets.UTF_8);
        return hex(mac.doFinal(message));
    }

    /** All five X-Vehreg-* headers for one request, with a fresh nonce and the current time. */
    Map<String, String> headers(String method, String path, String rawQuery, byte[] body)
            throws Exception {
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        String nonce = hex(random);
        String timestamp = Long.toString(System.currentTimeMillis() / 1000);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Vehreg-Key", appKey);
        headers.put("X-Vehreg-Timestamp", timestamp);
        headers.put("X-Vehreg-Nonce", nonce);
        headers.put("X-Vehreg-Signature-Method", "HMAC-SHA256");
        headers.put("X-Vehreg-Signature", sign(method, path, rawQuery, timestamp, nonce, body));
        return headers;
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("stores")) {
            String base = System.getenv("VEHREG_BASE_URL");
            VehregSigner signer = new VehregSigner(System.getenv("VEHREG_APP_KEY"),
                    System.getenv("VEHREG_APP_SECRET"));
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/v1/stores?limit=5"));
            signer.headers("GET", "/v1/stores", "limit=5", new byte[0]).forEach(request::header);
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
            System.out.println(response.statusCode() + " " + response.body());
            return;
        }
        VehregSigner demo = new VehregSigner("vk_demo_haizhou_0001",
                "vs_demo_haizhou_5f1c7a92e04b4c3d8a61b2f0");
        String timestamp = "1795658400";
        String nonce = "0f8e2d6c-4b1a-49c3-9e57-a2d4c6b8e013";
        System.out.println("example 1: " + demo.sign("GET", "/v1/ebike-registrations",
                "store_id=st_demo_haizhou_1&status=approved&limit=20&q=%E8%8B%8FG%20A",
                timestamp, nonce, new byte[0]));
        // {"reason":"<the four Chinese characters for "customer return">"}, escaped so that
        // this file compiles the same under any platform encoding.
        byte[] body = "{\"reason\":\"\u987e\u5ba2\u9000\u8d27\"}".getBytes(StandardCharsets.UTF_8);
        System.out.println("example 2: " + demo.sign("POST",
                "/v1/ebike-registrations/reg_0123456789abcdef01234567/cancel", "", timestamp,
                nonce, body));
    }
}
