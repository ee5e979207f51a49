package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"strings"
	"time"
)

// TLS modes of a Mailer.
const (
	TLSNone     = "none"     // plain SMTP (a relay on the same host or network)
	TLSStartTLS = "starttls" // upgrade with STARTTLS, required (port 587)
	TLSImplicit = "tls"      // TLS from the first byte (port 465)
)

// DefaultMailTimeout bounds one Send when the Mailer sets no timeout.
const DefaultMailTimeout = 30 * time.Second

// Mailer sends plain-text e-mail through one SMTP server.
type Mailer struct {
	// Addr is the server's host:port.
	Addr string
	// From is the sender, "addr@example.org" or "Name <addr@example.org>".
	From string
	// Username and Password, when Username is set, authenticate with AUTH
	// PLAIN. The password is only ever sent over TLS or to localhost.
	Username, Password string
	// TLS is none (also when empty), starttls or tls.
	TLS string
	// Timeout bounds a whole Send (dial to QUIT); 0 means
	// DefaultMailTimeout. The context's deadline applies too.
	Timeout time.Duration
}

// Send mails one message to the addresses in to: a plain-text UTF-8 body
// (quoted-printable) under an RFC 2047-encoded subject. Every recipient is
// an envelope recipient and appears in the To header.
func (m *Mailer) Send(ctx context.Context, to []string, subject, body string) error {
	from, rcpts, err := m.addresses(to)
	if err != nil {
		return err
	}
	msg, err := compose(from, rcpts, subject, body, time.Now())
	if err != nil {
		return err
	}
	host, _, err := net.SplitHostPort(m.Addr)
	if err != nil {
		return fmt.Errorf("send mail: server address %q: %w", m.Addr, err)
	}

	ctx, cancel := context.WithTimeout(ctx, m.timeout())
	defer cancel()

	tlsConfig := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	conn, err := m.dial(ctx, tlsConfig)
	if err != nil {
		return err
	}
	// When the context ends (its deadline, at most Timeout away, or a
	// cancel) a deadline in the past aborts whatever read or write is in
	// flight; ctx.Err() is set by then, so fail can name the cause.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return m.fail(ctx, "greeting", err)
	}
	defer c.Close()
	return m.transact(ctx, c, tlsConfig, from.Address, rcpts, msg)
}

// addresses parses the sender and the recipients in to, of which there
// must be at least one.
func (m *Mailer) addresses(to []string) (*mail.Address, []*mail.Address, error) {
	if len(to) == 0 {
		return nil, nil, errors.New("send mail: no recipients")
	}
	from, err := mail.ParseAddress(m.From)
	if err != nil {
		return nil, nil, fmt.Errorf("send mail: sender %q: %w", m.From, err)
	}
	rcpts := make([]*mail.Address, 0, len(to))
	for _, t := range to {
		a, err := mail.ParseAddress(t)
		if err != nil {
			return nil, nil, fmt.Errorf("send mail: recipient %q: %w", t, err)
		}
		rcpts = append(rcpts, a)
	}
	return from, rcpts, nil
}

// timeout is the bound of one Send: Timeout, or DefaultMailTimeout when it
// is not set.
func (m *Mailer) timeout() time.Duration {
	if m.Timeout <= 0 {
		return DefaultMailTimeout
	}
	return m.Timeout
}

// fail wraps the error of the SMTP step op with the server's address and,
// when the context has ended, with its cause.
func (m *Mailer) fail(ctx context.Context, op string, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return fmt.Errorf("send mail via %s: %s: %w (%w)", m.Addr, op, err, cerr)
	}
	return fmt.Errorf("send mail via %s: %s: %w", m.Addr, op, err)
}

// dial connects to the server, over TLS from the first byte in TLSImplicit
// mode. An unknown TLS mode is an error before any connection.
func (m *Mailer) dial(ctx context.Context, tlsConfig *tls.Config) (net.Conn, error) {
	var conn net.Conn
	var err error
	switch m.TLS {
	case "", TLSNone, TLSStartTLS:
		conn, err = (&net.Dialer{}).DialContext(ctx, "tcp", m.Addr)
	case TLSImplicit:
		conn, err = (&tls.Dialer{Config: tlsConfig}).DialContext(ctx, "tcp", m.Addr)
	default:
		return nil, fmt.Errorf("send mail: unknown TLS mode %q (want none, starttls or tls)", m.TLS)
	}
	if err != nil {
		return nil, m.fail(ctx, "dial", err)
	}
	return conn, nil
}

// transact runs the SMTP dialogue after the server's greeting: STARTTLS
// and AUTH when configured, the envelope from sender to rcpts, the message
// and QUIT.
func (m *Mailer) transact(ctx context.Context, c *smtp.Client, tlsConfig *tls.Config, sender string, rcpts []*mail.Address, msg []byte) error {
	if err := m.login(ctx, c, tlsConfig); err != nil {
		return err
	}
	if err := m.envelope(ctx, c, sender, rcpts); err != nil {
		return err
	}
	if err := m.data(ctx, c, msg); err != nil {
		return err
	}
	if err := c.Quit(); err != nil {
		return m.fail(ctx, "QUIT", err)
	}
	return nil
}

// login upgrades the connection with STARTTLS in TLSStartTLS mode, which
// the server must offer, then authenticates with AUTH PLAIN when a Username
// is set.
func (m *Mailer) login(ctx context.Context, c *smtp.Client, tlsConfig *tls.Config) error {
	if m.TLS == TLSStartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return m.fail(ctx, "starttls", errors.New("server does not offer STARTTLS"))
		}
		if err := c.StartTLS(tlsConfig); err != nil {
			return m.fail(ctx, "starttls", err)
		}
	}
	if m.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", m.Username, m.Password, tlsConfig.ServerName)); err != nil {
			return m.fail(ctx, "auth", err)
		}
	}
	return nil
}

// envelope sends MAIL FROM sender and RCPT TO every recipient.
func (m *Mailer) envelope(ctx context.Context, c *smtp.Client, sender string, rcpts []*mail.Address) error {
	if err := c.Mail(sender); err != nil {
		return m.fail(ctx, "MAIL FROM", err)
	}
	for _, r := range rcpts {
		if err := c.Rcpt(r.Address); err != nil {
			return m.fail(ctx, "RCPT TO "+r.Address, err)
		}
	}
	return nil
}

// data sends the message msg with DATA.
func (m *Mailer) data(ctx context.Context, c *smtp.Client, msg []byte) error {
	w, err := c.Data()
	if err != nil {
		return m.fail(ctx, "DATA", err)
	}
	if _, err := w.Write(msg); err != nil {
		return m.fail(ctx, "write message", err)
	}
	if err := w.Close(); err != nil {
		return m.fail(ctx, "end of message", err)
	}
	return nil
}

// compose renders the message: headers with CRLF line ends, then the body
// as quoted-printable UTF-8, ending with a line break.
func compose(from *mail.Address, to []*mail.Address, subject, body string, now time.Time) ([]byte, error) {
	id := make([]byte, 16)
	_, _ = rand.Read(id)
	domain := "localhost"
	if i := strings.LastIndexByte(from.Address, '@'); i >= 0 {
		domain = from.Address[i+1:]
	}
	tos := make([]string, len(to))
	for i, a := range to {
		tos[i] = a.String()
	}

	var b bytes.Buffer
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", from.String())
	header("To", strings.Join(tos, ",\r\n "))
	header("Subject", encodeSubject(subject))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", "<"+hex.EncodeToString(id)+"@"+domain+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=UTF-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	// Automatic mail (RFC 3834): auto-responders should not answer it.
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")

	if !strings.HasSuffix(body, "\n") {
		body += "\n"
	}
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(body)); err != nil {
		return nil, fmt.Errorf("send mail: encode body: %w", err)
	}
	if err := qp.Close(); err != nil {
		return nil, fmt.Errorf("send mail: encode body: %w", err)
	}
	return b.Bytes(), nil
}

// encodeSubject encodes a subject as RFC 2047 words (UTF-8, Q encoding when
// it needs encoding at all), one word per folded line so no line grows past
// the 78 characters RFC 5322 recommends.
func encodeSubject(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.ReplaceAll(mime.QEncoding.Encode("UTF-8", s), "?= =?", "?=\r\n =?")
}
