using InfraAdmin.Infrastructure;

namespace InfraAdmin.Tests.Unit;

public sealed class SqlLikeTests
{
    [Theory]
    [InlineData(" 10.0 ", "%10.0%")]
    [InlineData("50%", "%50\\%%")]
    [InlineData("a_b", "%a\\_b%")]
    [InlineData("c:\\x", "%c:\\\\x%")]
    public void Search_text_matches_literally_anywhere(string text, string pattern) =>
        Assert.Equal(pattern, SqlLike.Containing(text));
}
