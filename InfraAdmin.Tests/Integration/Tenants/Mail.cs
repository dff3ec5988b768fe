using InfraAdmin.Tests.Support;

namespace InfraAdmin.Tests.Integration.Tenants;

/// <summary>The mail the test app wrote to its pickup folder.</summary>
public static class Mail
{
    public static IReadOnlyList<string> For(string to, InfraAdminFactory app) =>
        MailFiles.InFolder(Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<InfraAdmin.Infrastructure.PickupFolderEmailSender>(app.Services).Folder, to);
}
