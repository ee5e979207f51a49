package api

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"go.uber.org/zap"
	"golang.org/x/time/rate"

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

// RateLimit is a token bucket per client: Every is the refill interval of
// one request, Burst the bucket size.
type RateLimit struct {
	Every time.Duration
	Burst int
}

// surveyLimiter decides whether a client of the public survey link may
// send one more request and, when it may not, how long it must wait.
type surveyLimiter interface {
	allow(ctx context.Context, client string, now time.Time) (bool, time.Duration, error)
}

// newSurveyLimiter keeps the buckets in PostgreSQL, so the limit holds
// across every API replica; a server without a store (handler unit tests)
// keeps them in memory.
func newSurveyLimiter(l RateLimit, st *store.Store) surveyLimiter {
	if l.Every <= 0 {
		l.Every = 3 * time.Second // 20 a minute
	}
	if l.Burst <= 0 {
		l.Burst = 10
	}
	if st == nil {
		return &clientLimiter{limit: l, clients: map[string]*clientBucket{}}
	}
	return &storeLimiter{limit: l, store: st}
}

// storeLimiter keeps one token bucket per client in the rate_limits table:
// one atomic statement per request on the database's clock. Buckets idle
// (full again) for rateLimitIdle are deleted, at most once a minute per
// process.
type storeLimiter struct {
	limit RateLimit
	store *store.Store
	swept atomic.Int64 // unix nanoseconds of the last purge
}

// rateLimitIdle is how long a full bucket is kept before it is purged.
const rateLimitIdle = 10 * time.Minute

func (l *storeLimiter) allow(ctx context.Context, client string, now time.Time) (bool, time.Duration, error) {
	if last := l.swept.Load(); now.UnixNano()-last > int64(time.Minute) && l.swept.CompareAndSwap(last, now.UnixNano()) {
		if _, err := l.store.PurgeRateLimits(ctx, rateLimitIdle); err != nil {
			return false, 0, err
		}
	}
	d, err := l.store.TakeRateToken(ctx, "survey:"+client, l.limit.Every, l.limit.Burst)
	if err != nil {
		return false, 0, err
	}
	return d.Allowed, d.Wait, nil
}

// clientLimiter keeps one token bucket per client address in memory,
// forgetting clients idle for ten minutes.
type clientLimiter struct {
	limit   RateLimit
	mu      sync.Mutex
	clients map[string]*clientBucket
	swept   time.Time
}

type clientBucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// allow takes one request from the client's bucket; when it is empty it
// says how long until the next request is allowed.
func (l *clientLimiter) allow(_ context.Context, client string, now time.Time) (bool, time.Duration, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute {
		for k, b := range l.clients {
			if now.Sub(b.seen) > 10*time.Minute {
				delete(l.clients, k)
			}
		}
		l.swept = now
	}
	b := l.clients[client]
	if b == nil {
		b = &clientBucket{lim: rate.NewLimiter(rate.Every(l.limit.Every), l.limit.Burst)}
		l.clients[client] = b
	}
	b.seen = now
	r := b.lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d, nil
	}
	return true, 0, nil
}

// limit answers 429 with Retry-After to a client over its rate.
func (s *Server) limit() gin.HandlerFunc {
	return func(c *gin.Context) {
		ok, wait, err := s.limiter.allow(c.Request.Context(), c.ClientIP(), time.Now())
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
	checkText(&errs, "field", strings.TrimSpace(a.Field), true, 100)
	checkText(&errs, "content", strings.TrimSpace(a.Content), true, publicSurveyMaxContent)
	checkText(&errs, "respondent_name", a.RespondentName, false, 200)
	checkText(&errs, "respondent_group", a.RespondentGroup, false, 200)
	id := uuid.NewString()
	if a.ID != "" {
		u, err := uuid.Parse(a.ID)
		if err != nil {
			errs = append(errs, fieldError("id", "invalid_id"))
		}
		id = u.String()
	}
	if len(errs) > 0 {
		abort(c, validationError(errs...))
		return
	}
	row := store.SurveyResponse{ID: id, DialogueID: d.ID, Field: strings.TrimSpace(a.Field), Content: strings.TrimSpace(a.Content),
		RespondentName: strings.TrimSpace(a.RespondentName), RespondentGroup: strings.TrimSpace(a.RespondentGroup)}
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
	if err != nil {
		abort(c, err)
		return
	}
	c.JSON(http.StatusCreated, contract.SurveyAccepted{Accepted: n, Duplicates: 1 - n, Receipt: receipt.Format(code)})
}
