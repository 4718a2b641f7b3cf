// A tiny walk through the bureau API with VehregSigner.cs.
//
//   mcs -out:VehregSigner.exe examples/csharp/*.cs      (Mono: mono-mcs, mono-runtime)
//   mono VehregSigner.exe              # prints the worked examples of docs/api/signing.md
//   VEHREG_BASE_URL=http://127.0.0.1:8780 VEHREG_APP_KEY=... VEHREG_APP_SECRET=... \
//     mono VehregSigner.exe walk       # signed GET, POST and rotate-secret against the bureau
//
// It sends with HttpWebRequest, which every .NET Framework (2.0 and later, the usual POS
// target) and Mono has without extra assemblies. With HttpClient the signing is the same:
// set the Content-Type header yourself (StringContent adds "; charset=utf-8") and sign
// the value you set. With the .NET SDK: put both files in a console project.

using System;
using System.IO;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Vehreg.Examples
{
    public static class Program
    {
        public static int Main(string[] args)
        {
            if (args.Length > 0 && args[0] == "walk")
                return Walk();
            PrintWorkedExamples();
            return 0;
        }

        private static void PrintWorkedExamples()
        {
            var demo = new VehregSigner("vk_demo_haizhou_0001", "vs_demo_haizhou_5f1c7a92e04b4c3d8a61b2f0");
            const string timestamp = "1795658400";
            const string nonce = "0f8e2d6c-4b1a-49c3-9e57-a2d4c6b8e013";
            const string query = "store_id=st_demo_haizhou_1&status=approved&limit=20&q=%E8%8B%8FG%20A";
            const string cancel = "/v1/ebike-registrations/reg_0123456789abcdef01234567/cancel";
            // {"reason":"<"customer return" in Chinese>"}, escaped: the file compiles the same anywhere.
            byte[] body = new UTF8Encoding(false).GetBytes("{\"reason\":\"\u987e\u5ba2\u9000\u8d27\"}");
            const string key = "4d2c9b1e-7f3a-4e58-a6b0-91c8d7e6f5a4";
            Console.WriteLine("example 3: " + demo.Sign("1.1", "GET", "/v1/ebike-registrations", query,
                timestamp, nonce, new byte[0], null, null));
            Console.WriteLine("example 4: " + demo.Sign("1.1", "POST", cancel, "", timestamp, nonce,
                body, key, "application/json"));
            Console.WriteLine("example 1 (1.0, deprecated): " + demo.Sign("1.0", "GET",
                "/v1/ebike-registrations", query, timestamp, nonce, new byte[0], null, null));
            Console.WriteLine("example 2 (1.0, deprecated): " + demo.Sign("1.0", "POST", cancel, "",
                timestamp, nonce, body, null, null));
            Console.WriteLine("empty pairs: " + VehregSigner.CanonicalQuery("q=a&&limit=2") + " | "
                + VehregSigner.CanonicalQuery("&flag&=x&q=a+b&") + " | "
                + VehregSigner.CanonicalQuery("q=100%"));
        }

        private sealed class Answer
        {
            public int Status;
            public string Body;
            public WebHeaderCollection Headers;
        }

        /// <summary>Send one signed request; null contentType/idempotencyKey: header not sent.</summary>
        private static Answer Send(VehregSigner signer, string baseUrl, string method, string path,
            string query, byte[] body, string contentType, string idempotencyKey)
        {
            string url = baseUrl + path + (string.IsNullOrEmpty(query) ? "" : "?" + query);
            var request = (HttpWebRequest)WebRequest.Create(url);
            request.Method = method;
            request.ServicePoint.Expect100Continue = false;
            request.AllowAutoRedirect = false; // a redirect would send the request where it was not signed for
            foreach (var header in signer.Headers(method, path, query, body, idempotencyKey, contentType))
                request.Headers[header.Key] = header.Value;
            if (idempotencyKey != null)
                request.Headers["Idempotency-Key"] = idempotencyKey;
            if (contentType != null)
                request.ContentType = contentType; // sent exactly as signed
            if (method == "POST")
            {
                request.ContentLength = body.Length;
                using (Stream stream = request.GetRequestStream())
                    stream.Write(body, 0, body.Length);
            }
            HttpWebResponse response;
            try
            {
                response = (HttpWebResponse)request.GetResponse();
            }
            catch (WebException ex) when (ex.Response is HttpWebResponse)
            {
                response = (HttpWebResponse)ex.Response; // 4xx/5xx: a problem+json body
            }
            using (response)
            using (var reader = new StreamReader(response.GetResponseStream(), new UTF8Encoding(false)))
            {
                var answer = new Answer
                {
                    Status = (int)response.StatusCode,
                    Body = reader.ReadToEnd(),
                    Headers = response.Headers,
                };
                string deprecated = answer.Headers["Deprecation"] != null ? " DEPRECATED" : "";
                Console.WriteLine(method + " " + path + " -> " + answer.Status + deprecated);
                return answer;
            }
        }

        private static int Walk()
        {
            string baseUrl = (Environment.GetEnvironmentVariable("VEHREG_BASE_URL") ?? "http://127.0.0.1:8780").TrimEnd('/');
            var signer = new VehregSigner(
                Environment.GetEnvironmentVariable("VEHREG_APP_KEY") ?? "vk_demo_haizhou_0001",
                Environment.GetEnvironmentVariable("VEHREG_APP_SECRET") ?? "vs_demo_haizhou_5f1c7a92e04b4c3d8a61b2f0");

            // 1. A GET with a query ("&&" is an empty pair: dropped when signing).
            Answer stores = Send(signer, baseUrl, "GET", "/v1/stores", "limit=2&&", new byte[0], null, null);
            Console.WriteLine(stores.Body);
            if (stores.Status != 200) return 1;

            // 2. A POST: the Idempotency-Key and Content-Type are signed (version 1.1).
            byte[] json = new UTF8Encoding(false).GetBytes(
                "{\"url\":\"http://127.0.0.1:9/csharp-hook\",\"events\":[\"*\"]}");
            string key = Guid.NewGuid().ToString();
            Answer created = Send(signer, baseUrl, "POST", "/v1/webhook-endpoints", "", json,
                "application/json", key);
            if (created.Status != 201) { Console.WriteLine(created.Body); return 1; }
            string id = Regex.Match(created.Body, "\"id\": *\"(we_[^\"]+)\"").Groups[1].Value;
            Console.WriteLine("webhook endpoint " + id + ", secret returned: "
                + created.Body.Contains("whsec_"));

            // 3. The same POST again (same key): the bureau replays its answer, without the secret.
            Answer replay = Send(signer, baseUrl, "POST", "/v1/webhook-endpoints", "", json,
                "application/json", key);
            Console.WriteLine("replayed: " + (replay.Headers["Idempotent-Replayed"] == "true")
                + ", secret returned again: " + replay.Body.Contains("whsec_"));

            // 4. Lost the secret? Rotate it: a POST without a body, so no Content-Type to sign.
            Answer rotated = Send(signer, baseUrl, "POST", "/v1/webhook-endpoints/" + id + "/rotate-secret",
                "", new byte[0], null, Guid.NewGuid().ToString());
            if (rotated.Status != 200) { Console.WriteLine(rotated.Body); return 1; }
            Console.WriteLine("new secret returned: " + rotated.Body.Contains("whsec_"));
            return 0;
        }
    }
}
