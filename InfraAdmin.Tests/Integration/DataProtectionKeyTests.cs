using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using InfraAdmin.Tests.Support;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfraAdmin.Tests.Integration;

/// <summary>With DataProtection:CertificatePath set, the keys stored in PostgreSQL are encrypted with that certificate.</summary>
public sealed class DataProtectionKeyTests : IAsyncLifetime
{
    private readonly TestDatabase _db = new();
    private readonly string _certificate = Path.Combine(Path.GetTempPath(), $"ia-dp-{Guid.NewGuid():N}.pfx");

    public async ValueTask InitializeAsync()
    {
        await _db.InitializeAsync();
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=InfraAdmin data protection (test)", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        await File.WriteAllBytesAsync(_certificate, certificate.Export(X509ContentType.Pkcs12, "test-pfx-password"));
    }

    public async ValueTask DisposeAsync()
    {
        File.Delete(_certificate);
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task Keys_are_stored_encrypted_and_still_unprotect()
    {
        await using (var db = _db.CreateContext())
            await db.DataProtectionKeys.ExecuteDeleteAsync(TestContext.Current.CancellationToken);
        await using var app = new InfraAdminFactory(_db).WithWebHostBuilder(b => b
            .UseSetting("DataProtection:CertificatePath", _certificate)
            .UseSetting("DataProtection:CertificatePassword", "test-pfx-password"));
        var protector = app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");
        var secret = protector.Protect("a cookie's worth of secrets");
        Assert.Equal("a cookie's worth of secrets", protector.Unprotect(secret));

        await using var check = _db.CreateContext();
        var xml = Assert.Single(await check.DataProtectionKeys.AsNoTracking().Select(k => k.Xml).ToListAsync(TestContext.Current.CancellationToken))!;
        Assert.Contains("encryptedSecret", xml);
        Assert.DoesNotContain("<value>", xml); // the master key in the clear, as stored without a certificate
    }
}
