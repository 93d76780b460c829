using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using GrnFast.IO;

namespace GrnFast.Host.Tests.Serve;

/// <summary>
/// Mutates recorded valid sessions (fixed seed) and runs each against an in-process host whose input then ends. Every
/// case must finish in time with exit code 0 or 2, well-formed frames, only protocol error codes (never
/// <c>internal</c>), and exit 2 exactly when the last frame is a <c>protocol</c> error with a message on stderr.
/// </summary>
public class ServeFuzzTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Seed = 20260315;
    private const int Cases = 10_000;
    private static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(20);

    private static readonly HashSet<string> Codes =
        ["bad_request", "invalid_json", "unknown_op", "bad_arrow", "bad_input", "not_found", "cancelled", "unsupported_protocol", "protocol"];

    /// <summary>One frame of a recorded session: header text (with its streams declaration) and payloads, re-encodable after a mutation.</summary>
    private sealed record RecordedFrame(string Header, (string Name, byte[] Bytes)[] Payloads)
    {
        public static RecordedFrame Record(string header, params (string Name, byte[] Bytes)[] payloads)
        {
            var frame = Frames.Request(header, payloads);
            return new(Encoding.UTF8.GetString(frame, 8, BinaryPrimitives.ReadInt32LittleEndian(frame.AsSpan(4))), payloads);
        }

        public byte[] Encode() => Frames.Raw(Encoding.UTF8.GetBytes(Header), Payloads.Select(p => p.Bytes).ToArray());

        /// <summary>Payload <paramref name="index"/> replaced, its declared length kept in step.</summary>
        public RecordedFrame WithPayload(int index, byte[] bytes)
        {
            var (name, old) = Payloads[index];
            var payloads = Payloads.ToArray();
            payloads[index] = (name, bytes);
            return new(ReplaceFirst(Header, $"\"name\":\"{name}\",\"length\":{old.Length}", $"\"name\":\"{name}\",\"length\":{bytes.Length}"), payloads);
        }
    }

    private static List<List<RecordedFrame>> RecordSessions(Cli cli)
    {
        var expression = ServeData.TinyExpression();
        var csv = cli.Expression("x.csv", cells: 25);
        var prior = cli.File("prior.tsv", "G1\tG2\t0.9\nG4\tG3\t0.5\n");
        var inlinePrior = TestStreams.Prior(PriorReader.Read(prior));
        RecordedFrame F(string header, params (string, byte[])[] payloads) => RecordedFrame.Record(header, payloads);
        return
        [
            [
                F("""{"op": "hello", "id": 1, "protocol": 1}"""),
                F("""{"op": "ping", "id": "p"}"""),
                F("""{"op": "info", "id": 2}"""),
                F("""{"op": "echo", "id": 3}""", ("a", [1, 2, 3, 4, 5, 6, 7, 8]), ("b", expression[..64])),
                F("""{"op": "shutdown", "id": 4}"""),
            ],
            [
                F("""{"op": "infer", "id": "r1", "expression": {"stream": "x"}, "regulators": ["G1", "G3", "G4"], "targets": ["G2", "G5"], "priors": [{"stream": "p"}], "priorMode": "mask", "method": "lasso", "progress": true, "options": {"path": 20, "threads": 1}}""",
                    ("x", expression), ("p", inlinePrior)),
                F("""{"op": "cancel", "id": "c1", "target": "r1"}"""),
                F("""{"op": "ping", "id": 5}"""),
            ],
            [
                F($$"""{"op": "infer", "id": 7, "expression": {"path": "{{csv}}"}, "regulators": ["G1", "G4", "G6"], "priors": [{"path": "{{prior}}"}], "priorWeight": 0.4, "options": {"alpha": 0.05, "precision": "float32"} }"""),
                F("""{"op": "echo", "id": 8}""", ("network", inlinePrior)),
                F("""{"op": "infer", "id": 9, "expression": {"stream": "x"}, "regulators": ["G1", "G2"], "method": "ridge", "options": {"select": "cv:3", "seed": 4, "path": 10}}""", ("x", expression)),
            ],
            [
                F("""{"op": "infer", "id": "e", "expression": {"stream": "x"}, "regulators": ["G1"], "method": "elasticnet", "options": {"l1Ratio": 0.3, "select": "ebic:0.5", "pathMinRatio": 0.01, "path": 8}}""", ("x", expression)),
                F("""{"op": "hello", "id": "h", "protocol": 1}"""),
                F("""{"op": "shutdown", "id": "s"}"""),
            ],
        ];
    }

    [Fact]
    public void MutatedSessionsGetErrorResponsesOrACleanExit()
    {
        using var cli = new Cli();
        var sessions = RecordSessions(cli);

        // The recorded sessions themselves run clean.
        foreach (var s in sessions)
        {
            var run = ScriptedHost.Run(Frames.Concat(s.Select(f => f.Encode()).ToArray()), CaseTimeout);
            Assert.True(run.Finished && run.Code == 0, run.Stderr);
            Assert.DoesNotContain(Frames.ParseAll(run.Output), f => f.Code is not (null or "cancelled" or "not_found")); // a cancel may come after its target finished
        }

        var rng = new Random(Seed);
        var clock = Stopwatch.StartNew();
        var seen = new Dictionary<string, int>();
        var kinds = new Dictionary<string, int>();
        int exit2 = 0;
        for (int c = 0; c < Cases; c++)
        {
            var session = sessions[rng.Next(sessions.Count)];
            var (kind, input) = Mutate(session, rng);
            var run = ScriptedHost.Run(input, CaseTimeout);
            kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
            if (run.Code == 2) exit2++;
            string where = $"case {c} (seed {Seed}, mutation {kind}); input starts {Convert.ToHexString(input.AsSpan(0, Math.Min(input.Length, 96)))}";
            Assert.True(run.Finished, $"{where}: the host did not finish within {CaseTimeout.TotalSeconds} s");
            Assert.True(run.Code is 0 or 2, $"{where}: exit code {run.Code}; stderr: {run.Stderr}");
            List<ResponseFrame> frames;
            try { frames = Frames.ParseAll(run.Output); }
            catch (Exception e) { throw new Xunit.Sdk.XunitException($"{where}: malformed output: {e.Message}"); }
            Assert.True(frames.Count > 0 && frames[0].Type == "hello", $"{where}: no hello first");
            foreach (var f in frames)
            {
                Assert.True(f.Type is "hello" or "result" or "error" or "progress", $"{where}: frame type {f.Type}");
                if (f.Type != "error") continue;
                Assert.True(f.Code is not null && Codes.Contains(f.Code), $"{where}: error {f}; stderr: {run.Stderr}");
                Assert.True(f.Message.Length > 0 && f.Header.TryGetProperty("data", out _), $"{where}: error without message or data: {f}");
                seen[f.Code] = seen.GetValueOrDefault(f.Code) + 1;
            }
            bool protocolLast = frames[^1].Code == "protocol";
            Assert.True(protocolLast == (run.Code == 2), $"{where}: exit {run.Code} but last frame {frames[^1]}");
            Assert.Equal(protocolLast ? 1 : 0, frames.Count(f => f.Code == "protocol"));
            if (run.Code == 2) Assert.Contains("grnfast: serve: ", run.Stderr);
            Assert.DoesNotContain("internal error", run.Stderr);
        }
        output.WriteLine($"{Cases} cases in {clock.Elapsed.TotalSeconds:F1} s; exit 2 in {exit2}; mutations: {string.Join(", ", kinds.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value}"))}");
        output.WriteLine($"error frames: {string.Join(", ", seen.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value}"))}");
        // The mutations reach every kind of failure, not only the framing.
        foreach (var code in new[] { "bad_request", "invalid_json", "unknown_op", "bad_arrow", "protocol" })
            Assert.True(seen.GetValueOrDefault(code) > 0, $"no case produced {code}: {string.Join(", ", seen)}");
        // No wall-clock bound on the whole run (shared machines drift); each case has its own timeout, which is what catches a hang.
    }

    private static (string Kind, byte[] Input) Mutate(List<RecordedFrame> session, Random rng)
    {
        var frames = session.ToList();
        int k = rng.Next(frames.Count);
        switch (rng.Next(10))
        {
            case 0: return ("bit flips", Flip(Encode(frames), rng, rng.Next(1, 5)));
            case 1:
            {
                var bytes = Encode(frames);
                return ("truncation", bytes[..rng.Next(bytes.Length)]);
            }
            case 2:
            {
                // A frame's header length field set to something else.
                var encoded = frames.Select(f => f.Encode()).ToArray();
                uint length = BinaryPrimitives.ReadUInt32LittleEndian(encoded[k].AsSpan(4));
                uint[] choices = [0, 1, 2, length - 1, length + 1, length + (uint)rng.Next(1, 100), (uint)rng.Next(), 16 << 20, (16 << 20) + 1, uint.MaxValue];
                BinaryPrimitives.WriteUInt32LittleEndian(encoded[k].AsSpan(4), choices[rng.Next(choices.Length)]);
                return ("header length", Frames.Concat(encoded));
            }
            case 3:
            case 4:
                // JSON edits, the frame re-encoded so its lengths match the edited header.
                frames[k] = frames[k] with { Header = EditJson(frames[k].Header, rng) };
                return ("json edit", Encode(frames));
            case 5:
            {
                var bytes = Encode(frames).ToList();
                int at = rng.Next(bytes.Count + 1);
                if (rng.Next(2) == 0) bytes.InsertRange(at, Enumerable.Range(0, rng.Next(1, 9)).Select(_ => (byte)rng.Next(256)));
                else bytes.RemoveRange(Math.Min(at, bytes.Count - 1), Math.Min(rng.Next(1, 9), bytes.Count - Math.Min(at, bytes.Count - 1)));
                return ("insert/remove bytes", bytes.ToArray());
            }
            case 6:
            case 7:
            {
                // Arrow payload corruption (declared lengths kept in step).
                var withPayload = frames.Select((f, i) => (f, i)).Where(x => x.f.Payloads.Length > 0).ToList();
                if (withPayload.Count == 0) return ("bit flips", Flip(Encode(frames), rng, 1));
                var (frame, index) = withPayload[rng.Next(withPayload.Count)];
                int p = rng.Next(frame.Payloads.Length);
                frames[index] = frame.WithPayload(p, CorruptArrow(frame.Payloads[p].Bytes, rng));
                return ("arrow corruption", Encode(frames));
            }
            case 8:
            {
                // A declared payload length edited in the header (the bytes left as they were).
                var withPayload = frames.Select((f, i) => (f, i)).Where(x => x.f.Payloads.Length > 0).ToList();
                if (withPayload.Count == 0) return ("truncation", Encode(frames)[..^1]);
                var (frame, index) = withPayload[rng.Next(withPayload.Count)];
                int length = frame.Payloads[rng.Next(frame.Payloads.Length)].Bytes.Length;
                string[] replacements = ["0", "1", (length - 1).ToString(), (length + 1).ToString(), (length * 2).ToString(), "9007199254740991", "4294967296", "-1", "1e3", "null"];
                frames[index] = frame with { Header = ReplaceFirst(frame.Header, $"\"length\":{length}", $"\"length\":{replacements[rng.Next(replacements.Length)]}") };
                return ("declared length", Encode(frames));
            }
            default:
            {
                // Frames dropped, repeated or swapped.
                int j = rng.Next(frames.Count);
                switch (rng.Next(3))
                {
                    case 0: frames.RemoveAt(k); break;
                    case 1: frames.Insert(j, frames[k]); break;
                    default: (frames[k], frames[j]) = (frames[j], frames[k]); break;
                }
                return ("frame order", Encode(frames));
            }
        }
    }

    private static byte[] Encode(List<RecordedFrame> frames) => Frames.Concat(frames.Select(f => f.Encode()).ToArray());

    private static byte[] Flip(byte[] bytes, Random rng, int flips)
    {
        var copy = bytes.ToArray();
        for (int i = 0; i < flips && copy.Length > 0; i++) copy[rng.Next(copy.Length)] ^= (byte)(1 << rng.Next(8));
        return copy;
    }

    private static readonly string[] JsonPieces =
        ["{", "}", "[", "]", "\"", ":", ",", "null", "true", "-1", "0", "1e308", "2.5", "\"\"", "\"x\"", "[]", "{}", "\\", "\\u0000", "9999999999", "\"op\"", "\"id\"", "\"streams\""];

    private static readonly string[] Values = ["null", "true", "0", "-1", "1.5", "1e400", "\"\"", "\"x\"", "[]", "{}", "[1,2]", "{\"a\":1}", "\"G1\"", "123456789012345678901234567890"];

    private static string EditJson(string header, Random rng)
    {
        int at = rng.Next(header.Length + 1);
        switch (rng.Next(6))
        {
            case 0: return header.Remove(Math.Min(at, header.Length - 1), 1);                                   // delete a character
            case 1: return header.Insert(at, JsonPieces[rng.Next(JsonPieces.Length)]);                          // insert a token
            case 2:
            {
                // Replace the value after some ':' with a value of another type.
                var colons = Enumerable.Range(0, header.Length).Where(i => header[i] == ':').ToList();
                int colon = colons[rng.Next(colons.Count)];
                int end = colon + 1;
                int depth = 0;
                bool inString = false;
                for (; end < header.Length; end++)
                {
                    char ch = header[end];
                    if (inString) { if (ch == '\\') end++; else if (ch == '"') inString = false; continue; }
                    if (ch == '"') inString = true;
                    else if (ch is '{' or '[') depth++;
                    else if (ch is '}' or ']') { if (depth == 0) break; depth--; }
                    else if (ch == ',' && depth == 0) break;
                }
                return header[..(colon + 1)] + " " + Values[rng.Next(Values.Length)] + header[end..];
            }
            case 3:
            {
                // Rename a key (its quotes kept): an unknown or a missing field.
                var keys = System.Text.RegularExpressions.Regex.Matches(header, "\"([A-Za-z0-9]+)\"\\s*:");
                var m = keys[rng.Next(keys.Count)];
                string[] names = ["op", "id", "ops", "Id", "streams", "expression", "stream", "path", "regulators", "options", "alpha", "target", "x"];
                return header[..m.Index] + $"\"{names[rng.Next(names.Length)]}\":" + header[(m.Index + m.Length)..];
            }
            case 4: return header[..at];                                                                        // cut short
            default:
            {
                // Change a string value to a neighbour op, gene, stream name or path.
                string[] words = ["ping", "info", "echo", "infer", "cancel", "shutdown", "hello", "G1", "G99", "x", "p", "mask", "weight", "lasso", "/nonexistent", ""];
                var strings = System.Text.RegularExpressions.Regex.Matches(header, ":\\s*\"([^\"]*)\"");
                if (strings.Count == 0) return header;
                var m = strings[rng.Next(strings.Count)];
                return header[..m.Groups[1].Index] + words[rng.Next(words.Length)] + header[(m.Groups[1].Index + m.Groups[1].Length)..];
            }
        }
    }

    private static byte[] CorruptArrow(byte[] payload, Random rng)
    {
        if (payload.Length == 0) return [(byte)rng.Next(256)];
        var copy = payload.ToArray();
        switch (rng.Next(5))
        {
            case 0: return Flip(copy, rng, rng.Next(1, 4));
            case 1:
            {
                // An int32 or int64 somewhere (a length, an offset, a count) set to an extreme.
                int at = rng.Next(Math.Max(1, copy.Length - 8)) & ~3;
                long[] extremes = [0, -1, 1, int.MaxValue, int.MinValue, 0x7FFF_FFFF_FFFF_FFFF, 1 << 20, rng.Next()];
                long v = extremes[rng.Next(extremes.Length)];
                if (rng.Next(2) == 0 && at + 4 <= copy.Length) BinaryPrimitives.WriteInt32LittleEndian(copy.AsSpan(at), (int)v);
                else if (at + 8 <= copy.Length) BinaryPrimitives.WriteInt64LittleEndian(copy.AsSpan(at), v);
                return copy;
            }
            case 2: return copy[..rng.Next(copy.Length)];                                                       // truncated
            case 3:
            {
                int at = rng.Next(copy.Length);
                for (int i = at; i < Math.Min(copy.Length, at + rng.Next(1, 32)); i++) copy[i] = rng.Next(2) == 0 ? (byte)0 : (byte)0xFF;
                return copy;
            }
            default:
            {
                // Inside the metadata (the first few hundred bytes hold the schema's FlatBuffers).
                int limit = Math.Min(copy.Length, 400);
                for (int i = 0; i < rng.Next(1, 4); i++) copy[rng.Next(limit)] = (byte)rng.Next(256);
                return copy;
            }
        }
    }

    private static string ReplaceFirst(string text, string what, string with)
    {
        int i = text.IndexOf(what, StringComparison.Ordinal);
        return i < 0 ? text : string.Concat(text.AsSpan(0, i), with, text.AsSpan(i + what.Length));
    }
}
