using System.Security.Cryptography;
using System.Text;

namespace InfraAdmin.Data.Seeding;

/// <summary>Stable ids derived from names, so seeding twice finds the same rows.</summary>
public static class SeedIds
{
    public static Guid For(string name)
    {
        var hash = MD5.HashData(Encoding.UTF8.GetBytes("infraadmin:" + name));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x30); // version 3 (name-based)
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash, bigEndian: true);
    }
}
