using InfraAdmin.Data.Seeding;

namespace InfraAdmin.Tests.Support;

/// <summary>The demo accounts and a few well-known demo ids (read only: tests never change them).</summary>
public static class Demo
{
    public const string Admin = DemoSeeder.Accounts.Admin;
    public const string Ops = DemoSeeder.Accounts.Ops;
    public const string Exec = DemoSeeder.Accounts.Exec;
    public const string Support = DemoSeeder.Accounts.Support;
    public const string AcmeAdmin = DemoSeeder.Accounts.AcmeAdmin;
    public const string AcmeMember = DemoSeeder.Accounts.AcmeMember;
    public const string Password = DemoSeeder.DemoPassword;

    public static readonly string[] AllUsers = [Admin, Ops, Exec, Support, AcmeAdmin, AcmeMember];

    public static readonly Guid AcmeTenant = SeedIds.For("tenant:acme");
    public static readonly Guid GlobexTenant = SeedIds.For("tenant:globex");
    public static readonly Guid FirstIp = SeedIds.For("ip:0:0");
    public static readonly Guid FirstVps = SeedIds.For("vps:hw-use-1001");
}
