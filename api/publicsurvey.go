package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/receipt"
	"github.com/doithoai/doithoai/internal/store"
	"github.com/doithoai/doithoai/internal/telemetry"
)

// Codes of the public survey link.
const (
	CodeSurveyLinkUnknown = "survey_link_unknown"
	CodeRateLimited       = "rate_limited"
)

// Caps of one answer sent through the public link.
const (
	publicSurveyMaxBody    = 16 << 10
	publicSurveyMaxContent = 2000
)

// surveyTokenPattern is the shape of a link token (64 hex digits); anything
// else is unknown without a database read.
var surveyTokenPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// SurveyFields are the fields (lĩnh vực) offered to respondents; an answer
// may name another.
var SurveyFields = []string{
	"Đất đai", "Môi trường", "Giao thông", "Xây dựng, đô thị", "An ninh, trật tự",
	"Chính sách xã hội", "Y tế", "Giáo dục", "Kinh tế", "Thủ tục hành chính", "Khác",
}

// RateLimit is a token bucket: Every is the refill interval of one
// request, Burst the bucket size.
type RateLimit struct {
	Every time.Duration
	Burst int
}

// SurveyBudgets are the public survey link's budgets besides SurveyLimit
// (the budget per address of the clients that send no device id). Every
// request takes one token from each budget it falls under, all or none: a
// refused request takes nothing, so a client refused by its own budget
// does not empty the ones it shares with others.
type SurveyBudgets struct {
	// Device is the budget of one device id (cookie or X-Device-ID), over
	// every link: one phone (default 10 a minute, bursts of 20).
	Device RateLimit
	// Address is the budget of one client address, over every link and
	// device: sized for a commune hall whose phones share one Wi-Fi behind
	// one NAT (default 120 a minute, bursts of 600: 300 respondents reading
	// the form and sending an answer at once).
	Address RateLimit
	// Link is the budget of one survey link, over every address: a ceiling
	// no real survey reaches (default 2,400 a minute, bursts of 3,000).
	Link RateLimit
	// Idle is how long a full bucket is kept before it is purged (default
	// 10 minutes).
	Idle time.Duration
}

// Default budgets of the public survey link.
var (
	DefaultSurveyLimit   = RateLimit{Every: 3 * time.Second, Burst: 10} // 20 a minute
	DefaultSurveyBudgets = SurveyBudgets{
		Device:  RateLimit{Every: 6 * time.Second, Burst: 20},         // 10 a minute
		Address: RateLimit{Every: 500 * time.Millisecond, Burst: 600}, // 120 a minute
		Link:    RateLimit{Every: 25 * time.Millisecond, Burst: 3000}, // 2,400 a minute
		Idle:    10 * time.Minute,
	}
)

// or is l, or def where l is unset.
func (l RateLimit) or(def RateLimit) RateLimit {
	if l.Every <= 0 {
		l.Every = def.Every
	}
	if l.Burst <= 0 {
		l.Burst = def.Burst
	}
	return l
}

// surveyClient is who sends a request to the public survey link: the
// client address, the device id ("" when it sent none) and the link token
// ("" when it is not one: such a link is unknown without a database read).
type surveyClient struct {
	Address, Device, Link string
}

// surveyBuckets are the buckets a request of client takes from, keyed in
// the rate_limits table's key space. The link is keyed by a hash of its
// token, which stays in the dialogues table only.
type surveyBuckets struct {
	anon    RateLimit
	budgets SurveyBudgets
}

func (b surveyBuckets) of(client surveyClient) []store.RateBucket {
	out := make([]store.RateBucket, 0, 3)
	if client.Device != "" {
		out = append(out, store.RateBucket{Key: "survey:device:" + client.Device, Every: b.budgets.Device.Every, Burst: b.budgets.Device.Burst})
	} else {
		out = append(out, store.RateBucket{Key: "survey:anon:" + client.Address, Every: b.anon.Every, Burst: b.anon.Burst})
	}
	out = append(out, store.RateBucket{Key: "survey:address:" + client.Address, Every: b.budgets.Address.Every, Burst: b.budgets.Address.Burst})
	if client.Link != "" {
		sum := sha256.Sum256([]byte(client.Link))
		out = append(out, store.RateBucket{Key: "survey:link:" + hex.EncodeToString(sum[:12]), Every: b.budgets.Link.Every, Burst: b.budgets.Link.Burst})
	}
	return out
}

// surveyLimiter decides whether a client of the public survey link may
// send one more request and, when it may not, how long it must wait.
type surveyLimiter interface {
	allow(ctx context.Context, client surveyClient, now time.Time) (bool, time.Duration, error)
}

// newSurveyLimiter keeps the buckets in PostgreSQL, so the limits hold
// across every API replica; a server without a store (handler unit tests)
// keeps them in memory.
func newSurveyLimiter(anon RateLimit, budgets SurveyBudgets, st *store.Store) surveyLimiter {
	d := DefaultSurveyBudgets
	budgets.Device, budgets.Address, budgets.Link = budgets.Device.or(d.Device), budgets.Address.or(d.Address), budgets.Link.or(d.Link)
	if budgets.Idle <= 0 {
		budgets.Idle = d.Idle
	}
	b := surveyBuckets{anon: anon.or(DefaultSurveyLimit), budgets: budgets}
	if st == nil {
		return &clientLimiter{buckets: b, tats: map[string]time.Time{}}
	}
	return &storeLimiter{buckets: b, store: st}
}

// storeLimiter keeps the token buckets in the rate_limits table: one
// transaction per request on the database's clock. Buckets idle (full
// again) for the budgets' Idle are deleted, at most once a minute per
// process.
type storeLimiter struct {
	buckets surveyBuckets
	store   *store.Store
	swept   atomic.Int64 // unix nanoseconds of the last purge
}

func (l *storeLimiter) allow(ctx context.Context, client surveyClient, now time.Time) (bool, time.Duration, error) {
	if last := l.swept.Load(); now.UnixNano()-last > int64(time.Minute) && l.swept.CompareAndSwap(last, now.UnixNano()) {
		if _, err := l.store.PurgeRateLimits(ctx, l.buckets.budgets.Idle); err != nil {
			return false, 0, err
		}
	}
	d, err := l.store.TakeRateTokens(ctx, l.buckets.of(client))
	if err != nil {
		return false, 0, err
	}
	return d.Allowed, d.Wait, nil
}

// clientLimiter keeps the token buckets in memory, on the clock it is
// given, the way the rate_limits table does (GCRA: each bucket is the time
// it would be full again), forgetting buckets full for the budgets' Idle.
type clientLimiter struct {
	buckets surveyBuckets
	mu      sync.Mutex
	tats    map[string]time.Time
	swept   time.Time
}

// allow takes one request from each of the client's buckets, all or none;
// when one is empty it says how long until the next request is allowed.
func (l *clientLimiter) allow(_ context.Context, client surveyClient, now time.Time) (bool, time.Duration, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute {
		for k, tat := range l.tats {
			if now.Sub(tat) > l.buckets.budgets.Idle {
				delete(l.tats, k)
			}
		}
		l.swept = now
	}
	bs := l.buckets.of(client)
	next := make([]time.Time, len(bs))
	var wait time.Duration
	for i, b := range bs {
		tat := l.tats[b.Key]
		if tat.Before(now) {
			tat = now
		}
		next[i] = tat.Add(b.Every)
		if over := next[i].Sub(now) - b.Every*time.Duration(b.Burst); over > 0 {
			wait = max(wait, over)
		}
	}
	if wait > 0 {
		return false, wait, nil
	}
	for i, b := range bs {
		l.tats[b.Key] = next[i]
	}
	return true, 0, nil
}

// surveyClientOf is who sends c: the client address (behind a trusted
// proxy, as X-Forwarded-For says), the device id of the X-Device-ID header
// or else the device cookie, and the link token when it has a token's
// shape. A request without a valid device id is given one in a cookie for
// the next request (HttpOnly, SameSite=Lax, Secure over https) and counts
// against the stricter budget of clients without one.
func (s *Server) surveyClientOf(c *gin.Context) surveyClient {
	client := surveyClient{Address: c.ClientIP()}
	if t := c.Param("token"); surveyTokenPattern.MatchString(t) {
		client.Link = t
	}
	if id := c.GetHeader(contract.DeviceHeader); contract.ValidDeviceID(id) {
		client.Device = id
	} else if id, err := c.Cookie(contract.DeviceCookie); err == nil && contract.ValidDeviceID(id) {
		client.Device = id
	} else {
		c.SetSameSite(http.SameSiteLaxMode)
		c.SetCookie(contract.DeviceCookie, contract.NewDeviceID(), contract.DeviceCookieMaxAge, "/", "",
			s.SecureCookies || c.Request.TLS != nil, true)
	}
	return client
}

// limit answers 429 with Retry-After to a client over one of its budgets.
func (s *Server) limit() gin.HandlerFunc {
	return func(c *gin.Context) {
		ok, wait, err := s.limiter.allow(c.Request.Context(), s.surveyClientOf(c), s.now())
		if err != nil {
			abort(c, err)
			return
		}
		if !ok {
			secs := max(1, int(math.Ceil(wait.Seconds())))
			c.Header("Retry-After", strconv.Itoa(secs))
			vi, en := waitText(secs)
			e := newError(http.StatusTooManyRequests, CodeRateLimited,
				"Bạn gửi quá nhanh, vui lòng thử lại sau "+vi+".",
				"Too many requests; try again in "+en+".")
			abort(c, e)
			return
		}
		c.Next()
	}
}

// waitText words a wait of secs seconds (rounded up to whole minutes or
// hours past a minute or an hour) in Vietnamese and English: "1 giây" /
// "1 second", "3 phút" / "3 minutes".
func waitText(secs int) (vi, en string) {
	n, viUnit, enUnit := secs, "giây", "second"
	switch {
	case secs >= 3600:
		n, viUnit, enUnit = (secs+3599)/3600, "giờ", "hour"
	case secs >= 60:
		n, viUnit, enUnit = (secs+59)/60, "phút", "minute"
	}
	if n != 1 {
		enUnit += "s"
	}
	return fmt.Sprintf("%d %s", n, viUnit), fmt.Sprintf("%d %s", n, enUnit)
}

// publicBodyDeadline gives the body of a request to the public link
// PublicBodyTimeout (default 10 s) to arrive, far less than the server's
// ReadTimeout, which is sized for the largest staff upload: a body trickled
// byte by byte fails to read and the connection is closed. The deadline
// covers the body only (the server clears it once the body is read), and
// a request without a body gets none. A page's in-process call has no
// connection to set it on (ErrNotSupported): the page sets its own.
func (s *Server) publicBodyDeadline() gin.HandlerFunc {
	d := s.PublicBodyTimeout
	if d <= 0 {
		d = 10 * time.Second
	}
	return func(c *gin.Context) {
		if c.Request.ContentLength != 0 {
			err := http.NewResponseController(c.Writer).SetReadDeadline(time.Now().Add(d))
			if err != nil && !errors.Is(err, http.ErrNotSupported) {
				logger(c).Warn("set the public body deadline", zap.Error(err))
			}
		}
		c.Next()
	}
}

// publicBodyLimit caps a public answer far below the staff batch limit: a
// declared length over the cap is refused before anything is read, a
// longer body without one when reading passes the cap.
func publicBodyLimit(c *gin.Context) {
	if c.Request.ContentLength > publicSurveyMaxBody {
		abort(c, newError(http.StatusRequestEntityTooLarge, CodeBodyTooLarge,
			"Ý kiến quá dài (tối đa 16 KiB).", "The answer is too large (at most 16 KiB)."))
		return
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, publicSurveyMaxBody)
	c.Next()
}

var errSurveyLinkUnknown = newError(http.StatusNotFound, CodeSurveyLinkUnknown,
	"Đường dẫn phiếu xin ý kiến không đúng hoặc không còn hiệu lực.", "This survey link is not valid.")

// surveyByLink reads the dialogue of a link token; a link whose survey is
// not open answers 410 with the window, so it works only while the survey
// is open.
func (s *Server) surveyByLink(c *gin.Context) (*store.Dialogue, bool) {
	token := c.Param("token")
	if !surveyTokenPattern.MatchString(token) {
		abort(c, errSurveyLinkUnknown)
		return nil, false
	}
	d, err := s.Store.GetDialogueBySurveyToken(c.Request.Context(), token)
	if errors.Is(err, store.ErrNotFound) {
		abort(c, errSurveyLinkUnknown)
		return nil, false
	}
	if err != nil {
		abort(c, err)
		return nil, false
	}
	if d.Phase != domain.PhaseSurveyOpen {
		abort(c, linkClosedError(&store.SurveyClosedError{Phase: d.Phase, OpensAt: d.SurveyOpensAt, ClosesAt: d.SurveyClosesAt}))
		return nil, false
	}
	return d, true
}

// linkClosedError is surveyClosedError as the link answers it: 410 Gone.
func linkClosedError(e *store.SurveyClosedError) *contract.Error {
	out := surveyClosedError(e)
	out.Status = http.StatusGone
	return out
}

// getPublicSurvey answers GET /survey/{token}: what the respondent's form
// shows.
func (s *Server) getPublicSurvey(c *gin.Context) {
	d, ok := s.surveyByLink(c)
	if !ok {
		return
	}
	u, err := s.Store.GetUnit(c.Request.Context(), d.UnitID)
	if err != nil {
		abort(c, err)
		return
	}
	c.JSON(http.StatusOK, contract.PublicSurvey{
		UnitName: u.Name, Title: d.Title, Kind: d.Kind, Topic: d.Topic, ScheduledAt: d.ScheduledAt, Place: d.Place,
		InvitedGroups: d.InvitedGroups, OpensAt: d.SurveyOpensAt, ClosesAt: d.SurveyClosesAt, Fields: SurveyFields,
	})
}

// postPublicSurveyResponse answers POST /survey/{token}/responses: one
// answer from a respondent, size-capped; an answer resent with the same id
// is taken once.
func (s *Server) postPublicSurveyResponse(c *gin.Context) {
	d, ok := s.surveyByLink(c)
	if !ok {
		return
	}
	var a contract.SurveyAnswer
	if err := decodeJSON(c, &a); err != nil {
		abort(c, err)
		return
	}
	var errs []contract.FieldError
	row := answerRow(&errs, "", a, d.ID, publicSurveyMaxContent)
	contact := readContact(a.Contact, &errs)
	id, _ := answerID(&errs, "", a.ID)
	row.ID = id
	if len(errs) > 0 {
		abort(c, validationError(errs...))
		return
	}
	n, err := s.Store.InsertSurveyResponses(c.Request.Context(), d.ID, []store.SurveyResponse{row})
	var closed *store.SurveyClosedError
	if errors.As(err, &closed) {
		// It closed between the read and the insert.
		abort(c, linkClosedError(closed))
		return
	}
	if err != nil {
		abort(c, err)
		return
	}
	s.Telemetry.Survey.Ingested(telemetry.SurveySourceLink, n)
	code, err := s.Store.SurveyReceipt(c.Request.Context(), d.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		// The id was taken by an answer to another survey: this one was
		// not stored.
		abort(c, validationError(fieldErrorMsg("id", "id_taken",
			"Mã ý kiến này đã được dùng cho một ý kiến khác; hãy gửi lại với mã mới.",
			"This id belongs to another answer; send the answer again with a new id.")))
		return
	}
	if err != nil {
		abort(c, err)
		return
	}
	if contact != nil {
		// Stored after the answer: an answer resent with its contact
		// (the same id) stores it then.
		contact.SurveyResponseID, contact.DialogueID = id, d.ID
		if err := s.Store.SaveRespondentContact(c.Request.Context(), contact); err != nil {
			abort(c, err)
			return
		}
	}
	c.JSON(http.StatusCreated, contract.SurveyAccepted{Accepted: n, Duplicates: 1 - n, Receipt: receipt.Format(code)})
}
