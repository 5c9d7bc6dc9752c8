package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// ceilingEnv, when set to an address, makes this program serve the ceiling
// there instead of running the suite: the ceiling is a process of its own,
// as meetd is, so both share the machine with the load generator alike.
const ceilingEnv = "MEETD_BENCH_CEILING_ADDR"

// serveCeiling answers every request with {"status":"ok"}: the fastest a
// Go net/http server on this machine can answer, the bound for meetd.
func serveCeiling(addr string) error {
	body := []byte(`{"status":"ok"}`)
	return http.ListenAndServe(addr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
}

// process is a server the bench started.
type process struct {
	name    string
	url     string
	cmd     *exec.Cmd
	out     *os.File // the process's stdout and stderr
	done    chan error
	started time.Time
	ready   time.Duration // from start to the first healthy answer
}

// freeAddr returns a loopback address with a port free right now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// start runs the command that command makes for a free loopback address
// and waits until healthPath answers 200 there. The process's output is
// kept in memory, its last lines only: meetd logs every request.
func start(ctx context.Context, name string, command func(addr string) *exec.Cmd, healthPath string) (*process, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	cmd := command(addr)
	// A file, not a pipe: the bench would spend its own CPU, which the load
	// generator needs, copying meetd's request log.
	out, err := os.CreateTemp("", "meetd-bench-"+name+"-*.log")
	if err != nil {
		return nil, err
	}
	_ = os.Remove(out.Name()) // kept open; gone when the bench ends
	p := &process{name: name, url: "http://" + addr, cmd: cmd, out: out, done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = out, out
	p.started = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	go func() { p.done <- cmd.Wait() }()
	client := &http.Client{Timeout: time.Second}
	defer client.CloseIdleConnections()
	for {
		resp, err := client.Get(p.url + healthPath)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				p.ready = time.Since(p.started)
				return p, nil
			}
		}
		select {
		case err := <-p.done:
			p.done <- err
			return nil, fmt.Errorf("%s exited before it was healthy (%v):\n%s", name, err, p.tail(20))
		case <-ctx.Done():
			_ = p.stop()
			return nil, ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
		if time.Since(p.started) > 2*time.Minute {
			_ = p.stop()
			return nil, fmt.Errorf("%s was not healthy after 2 minutes:\n%s", name, p.tail(20))
		}
	}
}

// stop asks the process to shut down (SIGINT) and kills it after 20
// seconds.
func (p *process) stop() error {
	if p == nil {
		return nil
	}
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case err := <-p.done:
		p.done <- err
		var exit *exec.ExitError
		if errors.As(err, &exit) && !exit.Success() && exit.ExitCode() != -1 {
			return fmt.Errorf("%s exited with %v:\n%s", p.name, err, p.tail(20))
		}
		return nil
	case <-time.After(20 * time.Second):
		_ = p.cmd.Process.Kill()
		err := <-p.done
		p.done <- err
		return fmt.Errorf("%s did not stop within 20 s", p.name)
	}
}

// tail returns the last n lines of the process's output.
func (p *process) tail(n int) string {
	const keep = 64 << 10
	buf := make([]byte, keep)
	size := int64(0)
	if fi, err := p.out.Stat(); err == nil {
		size = fi.Size()
	}
	k, _ := p.out.ReadAt(buf, max(0, size-keep))
	lines := strings.Split(strings.TrimRight(string(buf[:k]), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// clockTicks is the unit of utime and stime in /proc/PID/stat (USER_HZ),
// 100 on every Linux build that matters.
const clockTicks = 100

// cpu returns the CPU time the process has used so far, user and system;
// ok is false where /proc has no such file.
func (p *process) cpu() (time.Duration, bool) {
	raw, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(p.cmd.Process.Pid), "stat"))
	if err != nil {
		return 0, false
	}
	// The command name may hold spaces: the fields follow its ")".
	i := strings.LastIndexByte(string(raw), ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(raw[i+1:]))
	if len(f) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, true
}

// memory returns the process's resident memory now and at its peak
// (VmRSS and VmHWM of /proc/PID/status) in bytes; ok is false where /proc
// has no such file.
func (p *process) memory() (rss, peak int64, ok bool) {
	f, err := os.Open(filepath.Join("/proc", strconv.Itoa(p.cmd.Process.Pid), "status"))
	if err != nil {
		return 0, 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		field := strings.Fields(sc.Text())
		if len(field) < 2 {
			continue
		}
		kb, err := strconv.ParseInt(field[1], 10, 64)
		if err != nil {
			continue
		}
		switch field[0] {
		case "VmRSS:":
			rss = kb * 1024
		case "VmHWM:":
			peak = kb * 1024
		}
	}
	return rss, peak, rss > 0
}

// buildMeetd compiles meetd into dir and returns the binary's path. The
// package path works from anywhere inside the module.
func buildMeetd(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "meetd")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/meetd/meetd/cmd/meetd")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build ./cmd/meetd: %v\n%s", err, out)
	}
	return bin, nil
}
