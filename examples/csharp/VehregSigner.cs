// Request signing for the vehreg bureau API in plain C# (.NET Framework 4.x / Mono,
// .NET 6+; no packages). See docs/api/signing.md. Signs with version 1.1: the string to
// sign also covers the Idempotency-Key and Content-Type headers. Version 1.0 is
// deprecated and kept only to reproduce the old worked examples.
//
// HMAC-SM3 (国密) needs BouncyCastle (new HMac(new SM3Digest())); everything else about
// the string to sign is the same. Program.cs shows the signer used with HttpClient.

using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace Vehreg.Examples
{
    public sealed class VehregSigner
    {
        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false);

        private readonly string appKey;
        private readonly byte[] secret;

        public VehregSigner(string appKey, string appSecret)
        {
            this.appKey = appKey;
            this.secret = Utf8.GetBytes(appSecret);
        }

        /// <summary>RFC 3986 encoding of UTF-8: unreserved characters stay, the rest is %XX.</summary>
        public static string Encode(string value)
        {
            var output = new StringBuilder();
            foreach (byte b in Utf8.GetBytes(value))
            {
                char c = (char)b;
                bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
                    || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
                if (unreserved)
                    output.Append(c);
                else
                    output.Append('%').Append(b.ToString("X2"));
            }
            return output.ToString();
        }

        /// <summary>Percent-decoding: '+' is a space; a '%' without two hex digits stays.</summary>
        public static string Decode(string value)
        {
            byte[] raw = Utf8.GetBytes(value);
            var bytes = new MemoryStream();
            for (int i = 0; i < raw.Length; i++)
            {
                byte b = raw[i];
                if (b == (byte)'+')
                {
                    bytes.WriteByte((byte)' ');
                }
                else if (b == (byte)'%' && i + 2 < raw.Length
                    && HexValue(raw[i + 1]) >= 0 && HexValue(raw[i + 2]) >= 0)
                {
                    bytes.WriteByte((byte)(HexValue(raw[i + 1]) * 16 + HexValue(raw[i + 2])));
                    i += 2;
                }
                else
                {
                    bytes.WriteByte(b);
                }
            }
            return Utf8.GetString(bytes.ToArray());
        }

        private static int HexValue(byte b)
        {
            if (b >= (byte)'0' && b <= (byte)'9') return b - (byte)'0';
            if (b >= (byte)'a' && b <= (byte)'f') return b - (byte)'a' + 10;
            if (b >= (byte)'A' && b <= (byte)'F') return b - (byte)'A' + 10;
            return -1;
        }

        /// <summary>
        /// The canonical query: empty pairs dropped, each pair split on the first '=',
        /// decoded, re-encoded, sorted by key then value (ordinal), joined with '&amp;'.
        /// </summary>
        public static string CanonicalQuery(string rawQuery)
        {
            if (string.IsNullOrEmpty(rawQuery))
                return "";
            var pairs = new List<KeyValuePair<string, string>>();
            foreach (string part in rawQuery.Split('&'))
            {
                if (part.Length == 0)
                    continue; // an empty pair ("a&&b", a leading or trailing '&') is dropped
                int eq = part.IndexOf('=');
                string key = eq < 0 ? part : part.Substring(0, eq);
                string value = eq < 0 ? "" : part.Substring(eq + 1);
                pairs.Add(new KeyValuePair<string, string>(Encode(Decode(key)), Encode(Decode(value))));
            }
            pairs.Sort((a, b) =>
            {
                int byKey = string.CompareOrdinal(a.Key, b.Key);
                return byKey != 0 ? byKey : string.CompareOrdinal(a.Value, b.Value);
            });
            var joined = new List<string>();
            foreach (var pair in pairs)
                joined.Add(pair.Key + "=" + pair.Value);
            return string.Join("&", joined.ToArray());
        }

        public static string Hex(byte[] bytes)
        {
            var output = new StringBuilder(bytes.Length * 2);
            foreach (byte b in bytes)
                output.Append(b.ToString("x2"));
            return output.ToString();
        }

        public static string Sha256Hex(byte[] body)
        {
            using (var sha = SHA256.Create())
                return Hex(sha.ComputeHash(body));
        }

        /// <summary>A signed header's line: the value without surrounding spaces/tabs; "" if absent.</summary>
        public static string HeaderLine(string value)
        {
            return value == null ? "" : value.Trim(' ', '\t');
        }

        /// <summary>
        /// The string to sign. "1.1": the six lines of 1.0, then the Idempotency-Key and
        /// Content-Type values (null: the request does not send that header).
        /// </summary>
        public static string StringToSign(string version, string method, string path,
            string rawQuery, string timestamp, string nonce, byte[] body,
            string idempotencyKey, string contentType)
        {
            var lines = new List<string>
            {
                method.ToUpperInvariant(), path, CanonicalQuery(rawQuery), timestamp, nonce,
                Sha256Hex(body),
            };
            if (version == "1.1")
            {
                lines.Add(HeaderLine(idempotencyKey));
                lines.Add(HeaderLine(contentType));
            }
            else if (version != "1.0")
            {
                throw new ArgumentException("unknown signature version " + version);
            }
            return string.Join("\n", lines.ToArray());
        }

        public string Sign(string version, string method, string path, string rawQuery,
            string timestamp, string nonce, byte[] body, string idempotencyKey, string contentType)
        {
            string message = StringToSign(version, method, path, rawQuery, timestamp, nonce, body,
                idempotencyKey, contentType);
            using (var hmac = new HMACSHA256(secret))
                return Hex(hmac.ComputeHash(Utf8.GetBytes(message)));
        }

        /// <summary>
        /// The X-Vehreg-* headers (version 1.1) for one request, with a fresh nonce and the
        /// current time. Pass exactly the Idempotency-Key and Content-Type you send.
        /// </summary>
        public IDictionary<string, string> Headers(string method, string path, string rawQuery,
            byte[] body, string idempotencyKey, string contentType)
        {
            var random = new byte[16];
            using (var rng = RandomNumberGenerator.Create())
                rng.GetBytes(random);
            string nonce = Hex(random);
            long unix = (long)(DateTime.UtcNow - new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalSeconds;
            string timestamp = unix.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return new Dictionary<string, string>
            {
                { "X-Vehreg-Key", appKey },
                { "X-Vehreg-Timestamp", timestamp },
                { "X-Vehreg-Nonce", nonce },
                { "X-Vehreg-Signature-Method", "HMAC-SHA256" },
                { "X-Vehreg-Signature-Version", "1.1" },
                { "X-Vehreg-Signature", Sign("1.1", method, path, rawQuery, timestamp, nonce, body,
                    idempotencyKey, contentType) },
            };
        }
    }
}
