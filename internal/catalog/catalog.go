// Package catalog is the official map of Vietnam's administrative units as
// data: the 34 provinces and centrally-run cities and the 3,321
// commune-level units in force since 1 July 2025, with the General
// Statistics Office codes, official kinds and parents, and the old-to-new
// mapping of the former Hưng Yên and Thái Bình (their provinces,
// districts and communes before the merger, and the new commune each old
// commune became part of). Import loads it into the store idempotently.
//
// The data under data/ are facts of the official lists; data/README.md
// says where they were read and how they were converted.
package catalog

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/doithoai/doithoai/internal/domain"
	"github.com/doithoai/doithoai/internal/unitmap"
)

//go:embed data/units.csv data/history_*.csv
var dataFiles embed.FS

// HistoricPrefix marks the codes of units of the map before 1 July 2025:
// the statistics office reused old codes for new units (today's Hưng Yên
// is 33, as the old one was), so an old unit's code is this prefix and its
// old code ("truoc2025-34" is the former Thái Bình).
const HistoricPrefix = "truoc2025-"

// Entry is one unit of the catalogue.
type Entry struct {
	// Code is the official code ("01", "00004"; HistoricPrefix for old units).
	Code string
	// Parent is the parent's code; unitmap.NationalCode for a province.
	Parent string
	Level  string
	Kind   string
	// Name is the full official name ("Thành phố Hà Nội", "Xã Vũ Quý").
	Name string
}

// ID is the unit's deterministic id.
func (e Entry) ID() string { return unitmap.IDForCode(e.Level, e.Code) }

// HistoricEntry is a unit of the old map and, when it merged, where.
type HistoricEntry struct {
	Entry
	// Successor is the code of today's unit it merged into ("" for a unit
	// that was abolished without one, like the districts).
	Successor string
	// Effective is when the merger took effect.
	Effective time.Time
	// Reference names the resolution ("1666/NQ-UBTVQH15").
	Reference string
	// AlsoPartOf lists the codes of other new units that took part of it
	// (a unit merges once: its records go to Successor).
	AlsoPartOf []string
}

// Catalogue is the whole embedded data set.
type Catalogue struct {
	// Current holds today's provinces, then communes, by code.
	Current []Entry
	// History holds the old units, parents before children.
	History []HistoricEntry
}

// Load reads the embedded catalogue.
func Load() (*Catalogue, error) {
	c := &Catalogue{}
	rows, err := readCSV("data/units.csv", []string{"code", "parent", "level", "kind", "name"})
	if err != nil {
		return nil, err
	}
	for i, r := range rows {
		e := Entry{Code: r[0], Parent: r[1], Level: r[2], Kind: r[3], Name: r[4]}
		if err := e.check(); err != nil {
			return nil, fmt.Errorf("catalogue units.csv row %d: %w", i+2, err)
		}
		c.Current = append(c.Current, e)
	}
	files, err := dataFiles.ReadDir("data")
	if err != nil {
		return nil, fmt.Errorf("catalogue: %w", err)
	}
	for _, f := range files {
		if strings.HasPrefix(f.Name(), "history_") {
			h, err := loadHistory("data/" + f.Name())
			if err != nil {
				return nil, err
			}
			c.History = append(c.History, h...)
		}
	}
	return c, nil
}

func loadHistory(name string) ([]HistoricEntry, error) {
	rows, err := readCSV(name, []string{"code", "parent", "level", "kind", "name", "successor", "effective", "reference", "also_part_of"})
	if err != nil {
		return nil, err
	}
	out := make([]HistoricEntry, 0, len(rows))
	for i, r := range rows {
		h := HistoricEntry{Entry: Entry{Code: r[0], Parent: r[1], Level: r[2], Kind: r[3], Name: r[4]}, Successor: r[5], Reference: r[7]}
		if err := h.check(); err != nil {
			return nil, fmt.Errorf("catalogue %s row %d: %w", name, i+2, err)
		}
		if !strings.HasPrefix(h.Code, HistoricPrefix) {
			return nil, fmt.Errorf("catalogue %s row %d: code %q lacks %q", name, i+2, h.Code, HistoricPrefix)
		}
		if h.Effective, err = time.ParseInLocation("2006-01-02", r[6], domain.Location); err != nil {
			return nil, fmt.Errorf("catalogue %s row %d: effective: %w", name, i+2, err)
		}
		h.AlsoPartOf = strings.Fields(r[8])
		out = append(out, h)
	}
	return out, nil
}

func (e Entry) check() error {
	switch {
	case e.Code == "" || e.Name == "":
		return fmt.Errorf("code and name are required")
	case e.Level == domain.LevelNational || !unitmap.ValidLevel(e.Level):
		return fmt.Errorf("unit %s: level %q", e.Code, e.Level)
	case e.Kind == "" || !unitmap.ValidKind(e.Level, e.Kind):
		return fmt.Errorf("unit %s: kind %q at level %s", e.Code, e.Kind, e.Level)
	case e.Parent == "":
		return fmt.Errorf("unit %s: no parent", e.Code)
	}
	return nil
}

func readCSV(name string, header []string) ([][]string, error) {
	b, err := dataFiles.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("catalogue: %w", err)
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = len(header)
	first, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("catalogue %s: header: %w", name, err)
	}
	if strings.Join(first, ",") != strings.Join(header, ",") {
		return nil, fmt.Errorf("catalogue %s: header %v, want %v", name, first, header)
	}
	var rows [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("catalogue %s: %w", name, err)
		}
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		rows = append(rows, rec)
	}
}

// Counts are the catalogue's units by level and, for communes, kind.
type Counts struct {
	Provinces int
	Communes  int
	// CommunesByKind counts communes by kind (xa, phuong, dac_khu).
	CommunesByKind map[string]int
}

// Count counts today's units.
func (c *Catalogue) Count() Counts {
	n := Counts{CommunesByKind: map[string]int{}}
	for _, e := range c.Current {
		switch e.Level {
		case domain.LevelProvince:
			n.Provinces++
		case domain.LevelCommune:
			n.Communes++
			n.CommunesByKind[e.Kind]++
		}
	}
	return n
}

// Provinces lists today's provinces.
func (c *Catalogue) Provinces() []Entry {
	var out []Entry
	for _, e := range c.Current {
		if e.Level == domain.LevelProvince {
			out = append(out, e)
		}
	}
	return out
}

// CommunesOf lists today's communes of a province, by code.
func (c *Catalogue) CommunesOf(provinceCode string) []Entry {
	var out []Entry
	for _, e := range c.Current {
		if e.Level == domain.LevelCommune && e.Parent == provinceCode {
			out = append(out, e)
		}
	}
	return out
}
