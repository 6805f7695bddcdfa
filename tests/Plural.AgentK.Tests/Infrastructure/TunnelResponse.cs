using Plural.Protocol.Agent;

namespace Plural.AgentK.Tests.Infrastructure;

/// <summary>What the agent answered on a tunnel stream.</summary>
public sealed class TunnelResponse(Stream body)
{
    public List<TunnelUp.FrameOneofCase> Frames { get; } = [];

    public int? Status { get; private set; }

    public Dictionary<string, string[]> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, string[]> Trailers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Stream Body { get; } = body;

    public long BodyLength { get; private set; }

    public TunnelError? Error { get; private set; }

    public bool Ended { get; private set; }

    /// <summary>The agent's last frame said the stream is clean and may carry the next request.</summary>
    public bool StreamReusable { get; private set; }

    /// <summary>The answer has its last frame: an end, an error, or a head carrying the complete response.</summary>
    public bool Complete => Ended || Error is not null;

    public string BodyText => Body is MemoryStream memory ? System.Text.Encoding.UTF8.GetString(memory.ToArray()) : "";

    public void Add(TunnelUp frame)
    {
        Frames.Add(frame.FrameCase);
        switch (frame.FrameCase)
        {
            case TunnelUp.FrameOneofCase.ResponseHead:
                Status = frame.ResponseHead.Status;
                foreach (var header in frame.ResponseHead.Headers)
                {
                    Headers[header.Name] = [.. header.Values];
                }

                if (frame.ResponseHead.Complete)
                {
                    frame.ResponseHead.Body.WriteTo(Body);
                    BodyLength += frame.ResponseHead.Body.Length;
                    StreamReusable = frame.ResponseHead.StreamReusable;
                    Ended = true;
                }

                break;
            case TunnelUp.FrameOneofCase.Body:
                frame.Body.Data.WriteTo(Body);
                BodyLength += frame.Body.Data.Length;
                break;
            case TunnelUp.FrameOneofCase.End:
                Ended = true;
                StreamReusable = frame.End.StreamReusable;
                foreach (var trailer in frame.End.Trailers)
                {
                    Trailers[trailer.Name] = [.. trailer.Values];
                }

                break;
            case TunnelUp.FrameOneofCase.Error:
                Error = frame.Error;
                break;
        }
    }
}
