// A Windows POS (C#: .NET Framework 4.5+, .NET 6+, or Mono) talking to the local vehreg
// bridge on 127.0.0.1:8790. Only HttpClient and DataContractJsonSerializer: no NuGet package.
//
//   var pos = new VehregPosClient(token);          // token: `vehreg pos token`, kept by the POS
//   var sale = await pos.QueueSaleAsync(saleJson, orderId);
//   sale = await pos.WaitAsync(sale.LocalId);       // plate_assigned, or still queued if offline
//   var photos = await pos.GetPhotoRequirementsAsync();  // the bureau's list, not ours
//   foreach (var kind in VehregPosClient.KindsAt(photos, "at_submit"))
//       await pos.UploadPhotoAsync(sale.LocalId, kind, $@"C:\pos\photos\{kind}.jpg");
//   await pos.PrintAsync(sale.LocalId);
//   // ... the plate is fitted:
//   foreach (var kind in VehregPosClient.KindsAt(photos, "after_plate_fitted"))  // plate_fitted
//       await pos.UploadPhotoAsync(sale.LocalId, kind, $@"C:\pos\photos\{kind}.jpg");
//   sale = await pos.WaitForReviewAsync(sale.LocalId);  // approved | returned | rejected
//   // returned: retake sale.RetakeKinds (reasons in sale.Review.Reasons[].MessageZh) and
//   // upload them the same way; the last one restarts the review by itself.
//   // rejected with sale.PlateMustBeReturned: the plate must be taken back from the customer.
//   // The customer brings the bike back (退货):
//   await pos.CancelAsync(sale.LocalId, "顾客退货");
//
// The order id goes out as Idempotency-Key: a retry after a timeout returns the same sale.
// Errors are problem+json with detail_zh and per-field message_zh to show the clerk.
// Build: csc/mcs with references System.Net.Http and System.Runtime.Serialization.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Runtime.Serialization;
using System.Runtime.Serialization.Json;
using System.Text;
using System.Threading.Tasks;

[DataContract]
public sealed class BridgeSale
{
    [DataMember(Name = "local_id")] public string LocalId { get; set; }
    [DataMember(Name = "status")] public string Status { get; set; }
    [DataMember(Name = "plate_number")] public string PlateNumber { get; set; }
    [DataMember(Name = "waiting_for_network")] public bool WaitingForNetwork { get; set; }
    [DataMember(Name = "label_url")] public string LabelUrl { get; set; }
    [DataMember(Name = "review")] public BridgeReview Review { get; set; }
    [DataMember(Name = "retake_kinds")] public string[] RetakeKinds { get; set; }
    [DataMember(Name = "plate_must_be_returned")] public bool PlateMustBeReturned { get; set; }
    [DataMember(Name = "photos")] public BridgePhoto[] Photos { get; set; }
}

[DataContract]
public sealed class BridgeReview
{
    [DataMember(Name = "outcome")] public string Outcome { get; set; }
    [DataMember(Name = "reasons")] public BridgeReviewReason[] Reasons { get; set; }
}

[DataContract]
public sealed class BridgeReviewReason
{
    [DataMember(Name = "code")] public string Code { get; set; }
    [DataMember(Name = "photo_kind")] public string PhotoKind { get; set; }
    [DataMember(Name = "message_zh")] public string MessageZh { get; set; }
}

[DataContract]
public sealed class BridgePhoto
{
    [DataMember(Name = "kind")] public string Kind { get; set; }
    [DataMember(Name = "sent")] public bool Sent { get; set; }
}

/// <summary>One row of the bureau's GET /v1/photo-requirements, relayed by the bridge.</summary>
[DataContract]
public sealed class PhotoRequirement
{
    [DataMember(Name = "photo_kind")] public string PhotoKind { get; set; }
    [DataMember(Name = "stage")] public string Stage { get; set; }  // at_submit | after_plate_fitted
    [DataMember(Name = "required")] public bool Required { get; set; }
    [DataMember(Name = "condition")] public string Condition { get; set; }  // null: always
    [DataMember(Name = "label_zh")] public string LabelZh { get; set; }
}

[DataContract]
public sealed class PhotoRequirementList
{
    [DataMember(Name = "data")] public PhotoRequirement[] Data { get; set; }
    [DataMember(Name = "offline")] public bool Offline { get; set; }
}

[DataContract]
sealed class Problem
{
    [DataMember(Name = "code")] public string Code { get; set; }
    [DataMember(Name = "detail_zh")] public string DetailZh { get; set; }
}

[DataContract]
sealed class CancelBody
{
    [DataMember(Name = "reason")] public string Reason { get; set; }
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
    static readonly string[] Waiting = { "queued", "submitting", "submitted" };
    static readonly string[] Reviewed = { "approved", "returned", "rejected", "cancelled" };
    private readonly HttpClient _http;

    public VehregPosClient(string token, string baseUrl = "http://127.0.0.1:8790")
    {
        _http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(15) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public async Task<BridgeSale> QueueSaleAsync(string saleJson, string orderId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/sales")
        {
            Content = new StringContent(saleJson, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", orderId);
        return await SendAsync<BridgeSale>(request);
    }

    public Task<BridgeSale> GetAsync(string localId) =>
        SendAsync<BridgeSale>(new HttpRequestMessage(HttpMethod.Get, $"/sales/{localId}"));

    public async Task<BridgeSale> WaitAsync(string localId, int seconds = 60)
    {
        var sale = await GetAsync(localId);
        for (var i = 0; i < seconds * 2 && Waiting.Contains(sale.Status); i++)
        {
            if (sale.WaitingForNetwork) break;  // offline: the bridge sends it later by itself
            await Task.Delay(500);
            sale = await GetAsync(localId);
        }
        return sale;
    }

    /// <summary>The photos the bureau requires (its GET /v1/photo-requirements, cached by the
    /// bridge for when the bureau is unreachable): never a list of our own.</summary>
    public async Task<PhotoRequirement[]> GetPhotoRequirementsAsync(string registrationKind = "ebike")
    {
        var path = $"/photo-requirements?registration_kind={Uri.EscapeDataString(registrationKind)}";
        var list = await SendAsync<PhotoRequirementList>(new HttpRequestMessage(HttpMethod.Get, path));
        return list.Data ?? new PhotoRequirement[0];
    }

    /// <summary>The required kinds of one stage: <c>at_submit</c> (before the plate-fitted
    /// photo) or <c>after_plate_fitted</c>. Conditional rows (an agent, a company owner) are
    /// the POS's to decide; this example sells to a person in person.</summary>
    public static string[] KindsAt(IEnumerable<PhotoRequirement> rows, string stage) =>
        rows.Where(r => r.Stage == stage && r.Required && (r.Condition == null || r.Condition == "person_owner"))
            .Select(r => r.PhotoKind).ToArray();

    /// <summary>One photo as a multipart upload (kind + file): the till photos, the
    /// plate-fitted photo, and the retakes a returned review names.</summary>
    public async Task<BridgeSale> UploadPhotoAsync(string localId, string kind, string path)
    {
        var form = new MultipartFormDataContent();
        form.Add(new StringContent(kind), "kind");
        var file = new ByteArrayContent(File.ReadAllBytes(path));
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "file", Path.GetFileName(path));
        return await SendAsync<BridgeSale>(new HttpRequestMessage(HttpMethod.Post, $"/sales/{localId}/photos") { Content = form });
    }

    /// <summary>Follows the review until approved, returned, rejected or cancelled.</summary>
    public async Task<BridgeSale> WaitForReviewAsync(string localId, int seconds = 600)
    {
        var sale = await GetAsync(localId);
        for (var i = 0; i < seconds * 2 && !Reviewed.Contains(sale.Status); i++)
        {
            await Task.Delay(500);
            sale = await GetAsync(localId);
        }
        return sale;
    }

    /// <summary>Cancels the registration (退货) with its reason; asking twice cancels once.</summary>
    public Task<BridgeSale> CancelAsync(string localId, string reason) =>
        SendAsync<BridgeSale>(new HttpRequestMessage(HttpMethod.Post, $"/sales/{localId}/cancel")
        {
            Content = new StringContent(ToJson(new CancelBody { Reason = reason }), Encoding.UTF8, "application/json"),
        });

    public async Task PrintAsync(string localId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/sales/{localId}/print")
        {
            Content = new StringContent("{}", Encoding.UTF8, "application/json"),
        };
        using (request)
        using (var response = await _http.SendAsync(request))
            await EnsureOk(response);
    }

    /// <summary>A one-time URL that opens the clerk page logged in (for a WebView2).</summary>
    public async Task<Uri> ClerkPageUrlAsync()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/session-codes");
        var body = await SendRawAsync(request);
        var marker = "\"login_url\"";
        var start = body.IndexOf('"', body.IndexOf(':', body.IndexOf(marker, StringComparison.Ordinal)) + 1) + 1;
        return new Uri(_http.BaseAddress, body.Substring(start, body.IndexOf('"', start) - start));
    }

    private async Task<T> SendAsync<T>(HttpRequestMessage request) => FromJson<T>(await SendRawAsync(request));

    private async Task<string> SendRawAsync(HttpRequestMessage request)
    {
        using (request)
        using (var response = await _http.SendAsync(request))
        {
            await EnsureOk(response);
            return await response.Content.ReadAsStringAsync();
        }
    }

    private static async Task EnsureOk(HttpResponseMessage response)
    {
        if (response.IsSuccessStatusCode) return;
        var body = await response.Content.ReadAsStringAsync();
        Problem problem;
        try { problem = FromJson<Problem>(body); }
        catch (SerializationException) { problem = new Problem { Code = "", DetailZh = body }; }
        throw new BridgeException((int)response.StatusCode, problem.Code ?? "", problem.DetailZh ?? "", body);
    }

    private static T FromJson<T>(string json)
    {
        using (var stream = new MemoryStream(Encoding.UTF8.GetBytes(json)))
            return (T)new DataContractJsonSerializer(typeof(T)).ReadObject(stream);
    }

    private static string ToJson<T>(T value)
    {
        using (var stream = new MemoryStream())
        {
            new DataContractJsonSerializer(typeof(T)).WriteObject(stream, value);
            return Encoding.UTF8.GetString(stream.ToArray());
        }
    }

    public void Dispose() => _http.Dispose();
}
