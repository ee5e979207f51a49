package telemetry

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/uptrace/bun"
	"go.uber.org/zap"
)

// BusinessTTL is how long the business gauges are reused by default
// before the next scrape reads PostgreSQL again: a scrape storm costs one
// round of queries per TTL, however many scrapers ask.
const BusinessTTL = 15 * time.Second

// deliveryRetryWindow tells a delivery still being retried from one given
// up: Temporal retries Deliver at most 10 minutes apart, so a target with
// no successful attempt and none for twice that has been given up.
const deliveryRetryWindow = 20 * time.Minute

// Unit levels and alert age buckets, every one exported (zero included) so
// a rule sees a series before the first task or alert.
var (
	unitLevels = []string{"province", "district", "commune"}
	alertAges  = []string{"lt_1h", "1h_to_1d", "1d_to_7d", "gt_7d"}
	channels   = []string{"webhook", "email"}
)

// Business is a Prometheus collector of the gauges an operator pages on,
// computed by SQL over the records: open and overdue tasks by the level of
// their unit, alerts not yet acknowledged by age, and deliveries not yet
// through by channel (retrying, or given up). The values are read at most
// once per BusinessTTL (concurrent scrapes wait for one read and share
// it). They describe the database, not the process: every API replica
// reports the same values, so rules aggregate them with max.
type Business struct {
	db  bun.IDB
	log *zap.Logger
	ttl time.Duration
	now func() time.Time

	mu      sync.Mutex
	at      time.Time
	last    []prometheus.Metric
	scrapes int

	tasksOpen, tasksOverdue, alertsOpen, alertOldest, deliveries, up, reads *prometheus.Desc
}

// NewBusiness builds the collector over db (register it on the API's
// registry). ttl 0 means BusinessTTL.
func NewBusiness(db bun.IDB, log *zap.Logger, ttl time.Duration) *Business {
	if ttl <= 0 {
		ttl = BusinessTTL
	}
	name := func(n string) string { return prometheus.BuildFQName(Namespace, "", n) }
	return &Business{
		db: db, log: log, ttl: ttl, now: time.Now,
		tasksOpen: prometheus.NewDesc(name("tasks_open"),
			"Follow-up tasks not yet done or cancelled, by the level of the unit whose dialogue they serve.", []string{"level"}, nil),
		tasksOverdue: prometheus.NewDesc(name("tasks_overdue"),
			"Open follow-up tasks past their deadline, by the level of their dialogue's unit.", []string{"level"}, nil),
		alertsOpen: prometheus.NewDesc(name("alerts_unacknowledged"),
			"Alerts nobody has acknowledged yet, by age: lt_1h, 1h_to_1d, 1d_to_7d, gt_7d.", []string{"age"}, nil),
		alertOldest: prometheus.NewDesc(name("alerts_unacknowledged_oldest_age_seconds"),
			"Age of the oldest alert nobody has acknowledged (0 when none).", nil, nil),
		deliveries: prometheus.NewDesc(name("deliveries_undelivered"),
			"Alerts and notices not yet through to a target, by channel and state: retrying (an attempt in the last 20 minutes) or failed (recorded as undelivered when the policy's delivery bound ran out, or no attempt since: given up; listed by GET /api/v1/deliveries).",
			[]string{"channel", "state"}, nil),
		up: prometheus.NewDesc(name("business_gauges_up"),
			"1 when the last read of the business gauges from PostgreSQL succeeded, 0 when it failed (the other gauges then keep their last values).", nil, nil),
		reads: prometheus.NewDesc(name("business_gauges_reads_total"),
			"Reads of the business gauges from PostgreSQL (at most one per METRICS_BUSINESS_TTL, whatever the scrapes).", nil, nil),
	}
}

// Describe sends the descriptors of every gauge.
func (b *Business) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{b.tasksOpen, b.tasksOverdue, b.alertsOpen, b.alertOldest, b.deliveries, b.up, b.reads} {
		ch <- d
	}
}

// Collect sends the gauges, read again when the last read is older than
// the TTL.
func (b *Business) Collect(ch chan<- prometheus.Metric) {
	b.mu.Lock()
	defer b.mu.Unlock()
	up := 1.0
	if b.last == nil || b.now().Sub(b.at) >= b.ttl {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		ms, err := b.read(ctx)
		cancel()
		b.scrapes++
		if err != nil {
			b.log.Warn("read business gauges", zap.Error(err))
			up = 0
		} else {
			b.last, b.at = ms, b.now()
		}
	}
	for _, m := range b.last {
		ch <- m
	}
	ch <- prometheus.MustNewConstMetric(b.up, prometheus.GaugeValue, up)
	ch <- prometheus.MustNewConstMetric(b.reads, prometheus.CounterValue, float64(b.scrapes))
}

// read runs the queries and builds the metrics.
func (b *Business) read(ctx context.Context) ([]prometheus.Metric, error) {
	var out []prometheus.Metric
	for _, step := range []func(context.Context) ([]prometheus.Metric, error){b.readTasks, b.readAlerts, b.readDeliveries} {
		ms, err := step(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, ms...)
	}
	return out, nil
}

func (b *Business) readTasks(ctx context.Context) ([]prometheus.Metric, error) {
	var rows []struct {
		Level   string
		Open    int64
		Overdue int64
	}
	err := b.db.NewRaw(`SELECT u.level, count(*) AS open,
			count(*) FILTER (WHERE t.overdue OR (t.due_at < now() AND t.status <> 'submitted')) AS overdue
		FROM tasks t JOIN units u ON u.id = t.unit_id
		WHERE t.status NOT IN ('done', 'cancelled')
		GROUP BY u.level`).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("count open tasks: %w", err)
	}
	open, overdue := map[string]float64{}, map[string]float64{}
	for _, r := range rows {
		open[r.Level], overdue[r.Level] = float64(r.Open), float64(r.Overdue)
	}
	var out []prometheus.Metric
	for _, l := range unitLevels {
		out = append(out,
			prometheus.MustNewConstMetric(b.tasksOpen, prometheus.GaugeValue, open[l], l),
			prometheus.MustNewConstMetric(b.tasksOverdue, prometheus.GaugeValue, overdue[l], l))
	}
	return out, nil
}

func (b *Business) readAlerts(ctx context.Context) ([]prometheus.Metric, error) {
	var rows []struct {
		Age    string
		N      int64
		Oldest float64
	}
	err := b.db.NewRaw(`SELECT CASE
			WHEN created_at > now() - interval '1 hour' THEN 'lt_1h'
			WHEN created_at > now() - interval '1 day' THEN '1h_to_1d'
			WHEN created_at > now() - interval '7 days' THEN '1d_to_7d'
			ELSE 'gt_7d' END AS age,
			count(*) AS n, max(extract(epoch FROM now() - created_at))::float8 AS oldest
		FROM alerts WHERE status = 'open' GROUP BY 1`).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("count unacknowledged alerts: %w", err)
	}
	n, oldest := map[string]float64{}, 0.0
	for _, r := range rows {
		n[r.Age] = float64(r.N)
		oldest = max(oldest, r.Oldest)
	}
	var out []prometheus.Metric
	for _, a := range alertAges {
		out = append(out, prometheus.MustNewConstMetric(b.alertsOpen, prometheus.GaugeValue, n[a], a))
	}
	return append(out, prometheus.MustNewConstMetric(b.alertOldest, prometheus.GaugeValue, oldest)), nil
}

func (b *Business) readDeliveries(ctx context.Context) ([]prometheus.Metric, error) {
	var rows []struct {
		Channel  string
		Retrying int64
		Failed   int64
	}
	// An item its workflow recorded as undelivered (its delivery bound ran
	// out) is failed at once, whatever its last attempt.
	err := b.db.NewRaw(`SELECT channel,
			count(*) FILTER (WHERE NOT given_up AND last_at > now() - ?::interval) AS retrying,
			count(*) FILTER (WHERE given_up OR last_at <= now() - ?::interval) AS failed
		FROM (SELECT d.channel, max(d.at) AS last_at,
				EXISTS (SELECT 1 FROM undelivered u WHERE u.item_kind = d.item_kind AND u.item_id = d.item_id) AS given_up
			FROM deliveries d
			GROUP BY d.item_kind, d.item_id, d.channel, d.target HAVING NOT bool_or(d.ok)) AS pending
		GROUP BY channel`, interval(deliveryRetryWindow), interval(deliveryRetryWindow)).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("count undelivered items: %w", err)
	}
	retrying, failed := map[string]float64{}, map[string]float64{}
	for _, r := range rows {
		retrying[r.Channel], failed[r.Channel] = float64(r.Retrying), float64(r.Failed)
	}
	var out []prometheus.Metric
	for _, c := range channels {
		out = append(out,
			prometheus.MustNewConstMetric(b.deliveries, prometheus.GaugeValue, retrying[c], c, "retrying"),
			prometheus.MustNewConstMetric(b.deliveries, prometheus.GaugeValue, failed[c], c, "failed"))
	}
	return out, nil
}

// interval renders d as a PostgreSQL interval literal.
func interval(d time.Duration) string { return fmt.Sprintf("%d seconds", int64(d.Seconds())) }
