namespace Vigil.Kafka.Tests;

public sealed class ProtocolConstantsTests
{
    [Fact]
    public void SizePrefixIsAnInt32() => Assert.Equal(sizeof(int), KafkaProtocol.SizePrefixLength);
}
