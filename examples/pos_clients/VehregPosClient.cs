// A Windows POS (C#, .NET 6+) talking to the local vehreg bridge on 127.0.0.1:8790.
//
//   var pos = new VehregPosClient(token);          // token: `vehreg pos token`, kept by the POS
//   var sale = await pos.QueueSaleAsync(saleJson, orderId);
//   sale = await pos.WaitAsync(sale.LocalId);       // plate_assigned, or still queued if offline
//   foreach (var kind in VehregPosClient.TillPhotoKinds)  // the photos the review needs
//       await pos.UploadPhotoAsync(sale.LocalId, kind, $@"C:\pos\photos\{kind}.jpg");
//   await pos.PrintAsync(sale.LocalId);
//   // ... the plate is fitted:
//   await pos.UploadPhotoAsync(sale.LocalId, "plate_fitted", @"C:\pos\photos\plate_fitted.jpg");
//   sale = await pos.WaitForReviewAsync(sale.LocalId);  // approved | returned | rejected
//   // returned: retake sale.RetakeKinds (reasons in sale.Review.Reasons[].MessageZh) and
//   // upload them the same way; the last one restarts the review by itself.
//   // rejected with sale.PlateMustBeReturned: the plate must be taken back from the customer.
//   // The customer brings the bike back (退货):
//   await pos.CancelAsync(sale.LocalId, "顾客退货");
//
// The order id goes out as Idempotency-Key: a retry after a timeout returns the same sale.
// Errors are problem+json with detail_zh and per-field message_zh to show the clerk.
using System;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Tasks;

public sealed class BridgeSale
{
    [JsonPropertyName("local_id")] public string LocalId { get; set; } = "";
    [JsonPropertyName("status")] public string Status { get; set; } = "";
    [JsonPropertyName("plate_number")] public string? PlateNumber { get; set; }
    [JsonPropertyName("waiting_for_network")] public bool WaitingForNetwork { get; set; }
    [JsonPropertyName("label_url")] public string? LabelUrl { get; set; }
    [JsonPropertyName("review")] public BridgeReview? Review { get; set; }
    [JsonPropertyName("retake_kinds")] public string[] RetakeKinds { get; set; } = Array.Empty<string>();
    [JsonPropertyName("plate_must_be_returned")] public bool PlateMustBeReturned { get; set; }
}

public sealed class BridgeReview
{
    [JsonPropertyName("outcome")] public string? Outcome { get; set; }
    [JsonPropertyName("reasons")] public BridgeReviewReason[] Reasons { get; set; } = Array.Empty<BridgeReviewReason>();
}

public sealed class BridgeReviewReason
{
    [JsonPropertyName("code")] public string Code { get; set; } = "";
    [JsonPropertyName("photo_kind")] public string? PhotoKind { get; set; }
    [JsonPropertyName("message_zh")] public string MessageZh { get; set; } = "";
}

public sealed class BridgeException : Exception
{
    public BridgeException(int status, string code, string detailZh, string body)
        : base($"{status} {code}: {detailZh}") { Status = status; Code = code; Body = body; }
    public int Status { get; }
    public string Code { get; }
    public string Body { get; }  // the whole problem+json, with errors[].message_zh per field
}

public sealed class VehregPosClient : IDisposable
{
    /// <summary>The photos the review needs before the plate-fitted photo (e-bikes).</summary>
    public static readonly string[] TillPhotoKinds =
        { "id_front", "id_back", "invoice", "certificate", "vehicle_code_rubbing", "vehicle_photo" };

    private readonly HttpClient _http;

    public VehregPosClient(string token, string baseUrl = "http://127.0.0.1:8790")
    {
        _http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(15) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public async Task<BridgeSale> QueueSaleAsync(string saleJson, string orderId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/sales")
        {
            Content = new StringContent(saleJson, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", orderId);
        return await SendAsync(request);
    }

    public Task<BridgeSale> GetAsync(string localId) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/sales/{localId}"));

    public async Task<BridgeSale> WaitAsync(string localId, int seconds = 60)
    {
        var sale = await GetAsync(localId);
        for (var i = 0; i < seconds && sale.Status is "queued" or "submitting" or "submitted"; i++)
        {
            if (sale.WaitingForNetwork) break;  // offline: the bridge sends it later by itself
            await Task.Delay(1000);
            sale = await GetAsync(localId);
        }
        return sale;
    }

    /// <summary>One photo as a multipart upload (kind + file): the till photos, the
    /// plate-fitted photo, and the retakes a returned review names.</summary>
    public async Task<BridgeSale> UploadPhotoAsync(string localId, string kind, string path)
    {
        var form = new MultipartFormDataContent();
        form.Add(new StringContent(kind), "kind");
        var file = new ByteArrayContent(await System.IO.File.ReadAllBytesAsync(path));
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "file", System.IO.Path.GetFileName(path));
        return await SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/sales/{localId}/photos") { Content = form });
    }

    /// <summary>Follows the review until approved, returned, rejected or cancelled.</summary>
    public async Task<BridgeSale> WaitForReviewAsync(string localId, int seconds = 600)
    {
        var sale = await GetAsync(localId);
        for (var i = 0; i < seconds && sale.Status is not ("approved" or "returned" or "rejected" or "cancelled"); i++)
        {
            await Task.Delay(1000);
            sale = await GetAsync(localId);
        }
        return sale;
    }

    /// <summary>Cancels the registration (退货) with its reason; asking twice cancels once.</summary>
    public Task<BridgeSale> CancelAsync(string localId, string reason) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/sales/{localId}/cancel")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { reason }), Encoding.UTF8, "application/json"),
        });

    public async Task PrintAsync(string localId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/sales/{localId}/print")
        {
            Content = new StringContent("{}", Encoding.UTF8, "application/json"),
        };
        using var response = await _http.SendAsync(request);
        await EnsureOk(response);
    }

    /// <summary>A one-time URL that opens the clerk page logged in (for a WebView2).</summary>
    public async Task<Uri> ClerkPageUrlAsync()
    {
        using var response = await _http.PostAsync("/session-codes", null);
        await EnsureOk(response);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return new Uri(_http.BaseAddress!, doc.RootElement.GetProperty("login_url").GetString());
    }

    private async Task<BridgeSale> SendAsync(HttpRequestMessage request)
    {
        using (request)
        using (var response = await _http.SendAsync(request))
        {
            await EnsureOk(response);
            var body = await response.Content.ReadAsStringAsync();
            return JsonSerializer.Deserialize<BridgeSale>(body)!;
        }
    }

    private static async Task EnsureOk(HttpResponseMessage response)
    {
        if (response.IsSuccessStatusCode) return;
        var body = await response.Content.ReadAsStringAsync();
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        throw new BridgeException(
            (int)response.StatusCode,
            root.TryGetProperty("code", out var code) ? code.GetString() ?? "" : "",
            root.TryGetProperty("detail_zh", out var zh) ? zh.GetString() ?? "" : "",
            body);
    }

    public void Dispose() => _http.Dispose();
}
