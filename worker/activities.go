package worker

import (
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/doithoai/doithoai/activities"
	"github.com/doithoai/doithoai/internal/calendar"
	"github.com/doithoai/doithoai/internal/config"
	"github.com/doithoai/doithoai/internal/notify"
	"github.com/doithoai/doithoai/internal/store"
)

// NewActivities builds the activities with their dependencies from the
// configuration: the working-day calendar (with the deployment's holiday
// file), the webhook client and, when SMTP_ADDR is set, the mailer.
func NewActivities(cfg config.Config, st *store.Store, log *zap.Logger) (*activities.Activities, error) {
	closeOfDay, err := parseClock(cfg.CloseOfDay)
	if err != nil {
		return nil, fmt.Errorf("CLOSE_OF_DAY: %w", err)
	}
	opts := calendar.Options{CloseOfDay: closeOfDay}
	if cfg.HolidaysFile != "" {
		ov, err := calendar.LoadOverridesFile(cfg.HolidaysFile)
		if err != nil {
			return nil, fmt.Errorf("HOLIDAYS_FILE: %w", err)
		}
		opts.Overrides = ov
	}
	cal, err := calendar.New(opts)
	if err != nil {
		return nil, fmt.Errorf("working-day calendar: %w", err)
	}
	a := &activities.Activities{Store: st, Logger: log, Calendar: cal, Webhook: &notify.Webhook{}}
	if cfg.SMTPAddr != "" {
		a.Mailer = &notify.Mailer{Addr: cfg.SMTPAddr, From: cfg.SMTPFrom, Username: cfg.SMTPUsername, Password: cfg.SMTPPassword, TLS: cfg.SMTPTLS}
	}
	return a, nil
}

func parseClock(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, fmt.Errorf("want HH:MM, got %q", s)
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}
