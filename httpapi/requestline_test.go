package httpapi

import (
	"bytes"
	"context"
	"log/slog"
	"testing"
	"time"
)

// FuzzRequestLineMatchesSlog holds the hand-written request line to the
// bytes slog's JSONHandler writes for the same record, whatever a client
// puts in the path or a proxy in the address, in any time zone.
func FuzzRequestLineMatchesSlog(f *testing.F) {
	f.Add("/v4/user/me", "GET", "127.0.0.1", "0123456789abcdef", "9400ad4d-0060-40b4-854b-460fd98bd643", 200, int64(3), int64(1764567890123456789), true)
	f.Add("/a\"b\\c\n\r\t\x00\x08\x0c\x1f\x7f<>&\u2028\u2029\xff\xfe é 😀", "PATCH", "2001:db8::1", "", "", 404, int64(-1), int64(1764567890000000000), false)
	f.Add("", "", "", "\x1b[31m", "\u00e9\u2028", 599, int64(1<<40), int64(-1), true)
	f.Fuzz(func(t *testing.T, path, method, ip, id, credential string, status int, durMS, nanos int64, utc bool) {
		zone := time.FixedZone("", 90*60)
		if utc {
			zone = time.UTC
		}
		at := time.Unix(0, nanos).In(zone)
		l := requestLine{at: at, id: id, credential: credential, acting: credential + id, method: method, path: path,
			status: status, durationMS: durMS, ip: ip}
		var want bytes.Buffer
		rec := slog.NewRecord(at, slog.LevelInfo, "request", 0)
		rec.AddAttrs(slog.String("request_id", l.id), slog.String("credential_id", l.credential),
			slog.String("acting_user_id", l.acting), slog.String("method", l.method), slog.String("path", l.path),
			slog.Int("status", l.status), slog.Int64("duration_ms", l.durationMS), slog.String("ip", l.ip))
		if err := slog.NewJSONHandler(&want, nil).Handle(context.Background(), rec); err != nil {
			t.Fatal(err)
		}
		if got := appendRequestLine(nil, l); !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("request line\n got %s\nwant %s", got, want.Bytes())
		}
	})
}

func BenchmarkRequestLine(b *testing.B) {
	l := requestLine{at: time.Now(), id: "0123456789abcdef", credential: "9400ad4d-0060-40b4-854b-460fd98bd643",
		acting: "8e6fed80-0129-4e6e-a422-97b31105af4d", method: "GET", path: "/v4/user/me", status: 200, ip: "192.0.2.1"}
	b.Run("by hand", func(b *testing.B) {
		var buf []byte
		for b.Loop() {
			buf = appendRequestLine(buf[:0], l)
		}
	})
	b.Run("slog", func(b *testing.B) {
		h := slog.NewJSONHandler(discardWriter{}, nil)
		for b.Loop() {
			rec := slog.NewRecord(l.at, slog.LevelInfo, "request", 0)
			rec.AddAttrs(slog.String("request_id", l.id), slog.String("credential_id", l.credential),
				slog.String("acting_user_id", l.acting), slog.String("method", l.method), slog.String("path", l.path),
				slog.Int("status", l.status), slog.Int64("duration_ms", l.durationMS), slog.String("ip", l.ip))
			_ = h.Handle(context.Background(), rec)
		}
	})
}

type discardWriter struct{}

func (discardWriter) Write(p []byte) (int, error) { return len(p), nil }
