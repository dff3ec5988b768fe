using System.Net.Mail;
using System.Text.Encodings.Web;
using InfraAdmin.Data.Entities;
using Microsoft.AspNetCore.Identity;

namespace InfraAdmin.Infrastructure;

/// <summary>The one way the app sends mail (invites, verification, resets, notifications).</summary>
public interface IAppEmailSender
{
    Task SendAsync(string to, string subject, string htmlBody, CancellationToken ct = default);
}

/// <summary>
/// Writes each message as an .eml file into a pickup folder (App_Data/mail by default): there is no SMTP
/// server in Development, and the files let people and tests follow the links in them.
/// </summary>
public sealed class PickupFolderEmailSender(IConfiguration configuration, IHostEnvironment env, ILogger<PickupFolderEmailSender> logger)
    : IAppEmailSender, IEmailSender<AppUser>
{
    public string Folder { get; } = configuration["Mail:PickupFolder"] is { Length: > 0 } folder
        ? folder
        : Path.Combine(env.ContentRootPath, "App_Data", "mail");

    public async Task SendAsync(string to, string subject, string htmlBody, CancellationToken ct = default)
    {
        Directory.CreateDirectory(Folder);
        using var client = new SmtpClient { DeliveryMethod = SmtpDeliveryMethod.SpecifiedPickupDirectory, PickupDirectoryLocation = Folder };
        using var message = new MailMessage(configuration["Mail:From"] ?? "noreply@infraadmin.local", to, subject, htmlBody) { IsBodyHtml = true };
        await client.SendMailAsync(message, ct);
        logger.LogInformation("Mail {Subject} written to the pickup folder", subject);
    }

    public Task SendConfirmationLinkAsync(AppUser user, string email, string confirmationLink) =>
        SendAsync(email, "Confirm your email", $"Please confirm your account by <a href='{HtmlEncoder.Default.Encode(confirmationLink)}'>clicking here</a>.");

    public Task SendPasswordResetLinkAsync(AppUser user, string email, string resetLink) =>
        SendAsync(email, "Reset your password", $"Please reset your password by <a href='{HtmlEncoder.Default.Encode(resetLink)}'>clicking here</a>.");

    public Task SendPasswordResetCodeAsync(AppUser user, string email, string resetCode) =>
        SendAsync(email, "Reset your password", $"Please reset your password using the following code: {HtmlEncoder.Default.Encode(resetCode)}");
}
