using System.Collections.Concurrent;
using InfraAdmin.Infrastructure;

namespace InfraAdmin.Tests.Integration.Alerts;

/// <summary>A mail sender that keeps what it was asked to send (the alert digest tests read it).</summary>
internal sealed class RecordingMail : IAppEmailSender
{
    public ConcurrentQueue<(string To, string Subject, string Html)> Sent { get; } = [];

    public Task SendAsync(string to, string subject, string htmlBody, CancellationToken ct = default)
    {
        Sent.Enqueue((to, subject, htmlBody));
        return Task.CompletedTask;
    }
}
