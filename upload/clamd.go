package upload

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
)

// Clamd is a [Scanner] that streams files to ClamAV's clamd daemon with the
// INSTREAM command: "zINSTREAM\x00", then chunks each prefixed with its
// length as a 4-byte big-endian integer, then a zero length; clamd answers
// "stream: OK" or "stream: <signature> FOUND". Files larger than clamd's
// StreamMaxLength (25 MiB by default) are refused by clamd, which Clamd
// reports as an error, so the upload fails closed.
//
// The zero value is not usable: set Address. A Clamd is safe for
// concurrent use; each Scan uses its own connection.
type Clamd struct {
	// Network is "tcp" (default) or "unix".
	Network string
	// Address is host:port (clamd's TCPSocket, usually port 3310) or the
	// path of its LocalSocket.
	Address string
	// Timeout bounds a whole scan, connection included. Default 30 s.
	Timeout time.Duration
	// ChunkSize is the largest chunk sent at once. Default 32 KiB.
	ChunkSize int
}

var _ Scanner = (*Clamd)(nil)

const maxClamdReply = 4096

// Scan streams r to clamd and returns nil for "OK", an [*InfectedError]
// for "FOUND", and an error otherwise.
func (c *Clamd) Scan(ctx context.Context, r io.Reader) error {
	conn, err := c.dial(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()

	chunk := c.ChunkSize
	if chunk <= 0 {
		chunk = 32 << 10
	}
	buf := make([]byte, 4+chunk)
	if _, err := io.WriteString(conn, "zINSTREAM\x00"); err != nil {
		return fmt.Errorf("upload: clamd: %w", err)
	}
	for {
		n, rerr := io.ReadFull(r, buf[4:])
		if n > 0 {
			binary.BigEndian.PutUint32(buf[:4], uint32(n))
			if _, err := conn.Write(buf[:4+n]); err != nil {
				// clamd closes the stream when it exceeds
				// StreamMaxLength; its reply says so.
				if reply, rerr := readReply(conn); rerr == nil {
					return parseReply(reply)
				}
				return fmt.Errorf("upload: clamd: %w", err)
			}
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			return fmt.Errorf("upload: clamd: reading the file: %w", rerr)
		}
	}
	if _, err := conn.Write([]byte{0, 0, 0, 0}); err != nil {
		return fmt.Errorf("upload: clamd: %w", err)
	}
	reply, err := readReply(conn)
	if err != nil {
		return err
	}
	return parseReply(reply)
}

// Ping checks that clamd answers PING with PONG.
func (c *Clamd) Ping(ctx context.Context) error {
	conn, err := c.dial(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "zPING\x00"); err != nil {
		return fmt.Errorf("upload: clamd: %w", err)
	}
	reply, err := readReply(conn)
	if err != nil {
		return err
	}
	if reply != "PONG" {
		return fmt.Errorf("upload: clamd: unexpected reply %q to PING", reply)
	}
	return nil
}

func (c *Clamd) dial(ctx context.Context) (net.Conn, error) {
	if c.Address == "" {
		return nil, errors.New("upload: clamd: no address configured")
	}
	network := c.Network
	if network == "" {
		network = "tcp"
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	d := net.Dialer{Deadline: deadline}
	conn, err := d.DialContext(ctx, network, c.Address)
	if err != nil {
		return nil, fmt.Errorf("upload: clamd: %w", err)
	}
	if err := conn.SetDeadline(deadline); err != nil {
		conn.Close()
		return nil, fmt.Errorf("upload: clamd: %w", err)
	}
	// Cancelling ctx interrupts any blocked read or write.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	return &ctxConn{Conn: conn, stop: stop}, nil
}

type ctxConn struct {
	net.Conn
	stop func() bool
}

func (c *ctxConn) Close() error {
	c.stop()
	return c.Conn.Close()
}

// readReply reads a NUL-terminated reply (the "z" command form).
func readReply(r io.Reader) (string, error) {
	var buf bytes.Buffer
	b := make([]byte, 256)
	for buf.Len() < maxClamdReply {
		n, err := r.Read(b)
		buf.Write(b[:n])
		if i := bytes.IndexByte(buf.Bytes(), 0); i >= 0 {
			return strings.TrimSpace(string(buf.Bytes()[:i])), nil
		}
		if err != nil {
			if err == io.EOF && buf.Len() > 0 {
				return strings.TrimSpace(buf.String()), nil
			}
			return "", fmt.Errorf("upload: clamd: reading the reply: %w", err)
		}
	}
	return "", errors.New("upload: clamd: reply too long")
}

// parseReply interprets "stream: OK", "stream: NAME FOUND" and "… ERROR".
func parseReply(reply string) error {
	body := strings.TrimPrefix(reply, "stream: ")
	switch {
	case body == "OK":
		return nil
	case strings.HasSuffix(body, " FOUND"):
		return &InfectedError{Signature: strings.TrimSuffix(body, " FOUND")}
	case strings.HasSuffix(body, " ERROR"):
		return fmt.Errorf("upload: clamd: %s", body)
	}
	return fmt.Errorf("upload: clamd: unexpected reply %q", reply)
}
