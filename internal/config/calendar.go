package config

import (
	"fmt"
	"time"

	"github.com/doithoai/doithoai/internal/calendar"
)

// Calendar builds the working-day calendar of the deployment: CLOSE_OF_DAY
// and the government's yearly changes from HOLIDAYS_FILE.
func (c Config) Calendar() (*calendar.Calendar, error) {
	t, err := time.Parse("15:04", c.CloseOfDay)
	if err != nil {
		return nil, fmt.Errorf("CLOSE_OF_DAY: want HH:MM, got %q", c.CloseOfDay)
	}
	opts := calendar.Options{CloseOfDay: time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute}
	if c.HolidaysFile != "" {
		ov, err := calendar.LoadOverridesFile(c.HolidaysFile)
		if err != nil {
			return nil, fmt.Errorf("HOLIDAYS_FILE: %w", err)
		}
		opts.Overrides = ov
	}
	cal, err := calendar.New(opts)
	if err != nil {
		return nil, fmt.Errorf("working-day calendar: %w", err)
	}
	return cal, nil
}
