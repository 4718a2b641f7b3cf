// The whole sale with VehregPosClient, as a console program (the test suite runs it on Mono):
//
//   VEHREG_BRIDGE_TOKEN=$(vehreg pos token) mono PosClientDemo.exe sale.json photos/
//
// Queues the sale (its pos_reference, else ORDER-<time>, as Idempotency-Key), follows it to
// the plate, sends photos/<kind>.jpg for every kind the bureau requires before the plate is
// fitted (GET /photo-requirements), prints the label, sends the plate-fitted photo, and
// follows the review; a returned review's kinds are sent again (a real till asks the clerk
// for new photos). Prints one line per step and exits 0 once the sale is approved.
using System;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;

public static class PosClientDemo
{
    public static int Main(string[] args)
    {
        Console.OutputEncoding = new UTF8Encoding(false);
        try { return Run(args[0], args.Length > 1 ? args[1] : ".").GetAwaiter().GetResult(); }
        catch (BridgeException e)
        {
            Console.Error.WriteLine($"bridge refused: {e.Message}\n{e.Body}");
            return 2;
        }
    }

    static async Task<int> Run(string saleFile, string photoFolder)
    {
        var baseUrl = Environment.GetEnvironmentVariable("VEHREG_BRIDGE_URL") ?? "http://127.0.0.1:8790";
        var token = Environment.GetEnvironmentVariable("VEHREG_BRIDGE_TOKEN");
        var saleJson = File.ReadAllText(saleFile, Encoding.UTF8);
        var reference = Regex.Match(saleJson, "\"pos_reference\"\\s*:\\s*\"([^\"]+)\"");
        var orderId = reference.Success ? reference.Groups[1].Value : $"ORDER-{DateTime.UtcNow.Ticks}";
        using (var pos = new VehregPosClient(token, baseUrl))
        {
            var sale = await pos.QueueSaleAsync(saleJson, orderId);
            Console.WriteLine($"queued {sale.LocalId}");
            sale = await pos.WaitAsync(sale.LocalId);
            Console.WriteLine($"status {sale.Status} plate {sale.PlateNumber}");
            if (string.IsNullOrEmpty(sale.PlateNumber)) return 1;  // offline: the bridge keeps it

            var requirements = await pos.GetPhotoRequirementsAsync();
            foreach (var kind in VehregPosClient.KindsAt(requirements, "at_submit"))
            {
                await pos.UploadPhotoAsync(sale.LocalId, kind, Path.Combine(photoFolder, kind + ".jpg"));
                Console.WriteLine($"photo {kind}");
            }
            await pos.PrintAsync(sale.LocalId);
            // ... the plate is on the bike:
            foreach (var kind in VehregPosClient.KindsAt(requirements, "after_plate_fitted"))
            {
                await pos.UploadPhotoAsync(sale.LocalId, kind, Path.Combine(photoFolder, kind + ".jpg"));
                Console.WriteLine($"photo {kind}");
            }
            for (var round = 0; round < 3; round++)
            {
                sale = await pos.WaitForReviewAsync(sale.LocalId, 60);
                if (sale.Status != "returned") break;
                foreach (var reason in sale.Review.Reasons)
                    Console.WriteLine($"退回：{reason.PhotoKind} {reason.MessageZh}");
                foreach (var kind in sale.RetakeKinds ?? new string[0])
                    await pos.UploadPhotoAsync(sale.LocalId, kind, Path.Combine(photoFolder, kind + ".jpg"));
                while (sale.Status == "returned")  // until the retakes reach the bureau
                {
                    await Task.Delay(300);
                    sale = await pos.GetAsync(sale.LocalId);
                }
            }
            if (sale.PlateMustBeReturned) Console.WriteLine("复核未通过，号牌已作废，请向顾客收回号牌。");
            Console.WriteLine($"status {sale.Status} plate {sale.PlateNumber}");
            return sale.Status == "approved" ? 0 : 1;
        }
    }
}
