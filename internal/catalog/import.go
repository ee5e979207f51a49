package catalog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/doithoai/doithoai/internal/store"
	"github.com/doithoai/doithoai/internal/unitmap"
)

// Difference is a unit of the catalogue whose stored row differs from it:
// a name, kind, level or parent that moved. Import reports it and leaves
// the stored row alone: a renamed or moved unit is a decision (a rename or
// a merger recorded through the API), not something a data load makes
// silently.
type Difference struct {
	Code  string
	Field string
	// Stored and Catalogue are the two values (parents by code, or id when
	// the stored parent has no code).
	Stored    string
	Catalogue string
}

func (d Difference) String() string {
	return fmt.Sprintf("%s: %s is %q here, %q in the catalogue", d.Code, d.Field, d.Stored, d.Catalogue)
}

// Report is what an import did.
type Report struct {
	// Created, Unchanged and Differing count the catalogue's units.
	Created, Unchanged, Differing int
	// Differences lists every difference found (not applied).
	Differences []Difference
	// MergersCreated and MergersUnchanged count the old map's mergers.
	MergersCreated, MergersUnchanged int
	Took                             time.Duration
}

// Changed reports whether the import wrote anything.
func (r Report) Changed() bool { return r.Created > 0 || r.MergersCreated > 0 }

// Importer loads a catalogue into a store.
type Importer struct {
	Store *store.Store
	// Progress, when set, receives a line per step of the long part.
	Progress io.Writer
	// Actor is recorded as the mergers' creator.
	Actor string
}

// Import creates the national root, then every unit of the catalogue that
// is missing (today's provinces under the national root and communes under
// their provinces, then the old map), then the old map's mergers. Unit and
// merger ids derive from codes, so a second run creates nothing; a stored
// unit that differs from the catalogue is reported, not rewritten.
func (im *Importer) Import(ctx context.Context, c *Catalogue) (Report, error) {
	start := time.Now()
	var rep Report
	root, err := im.Store.EnsureNationalRoot(ctx)
	if err != nil {
		return rep, err
	}
	entries := c.all()
	stored, err := im.Store.UnitsByCode(ctx, codesOf(entries))
	if err != nil {
		return rep, err
	}
	plan, err := planUnits(entries, stored, root, &rep)
	if err != nil {
		return rep, err
	}
	if err := im.insert(ctx, plan, &rep); err != nil {
		return rep, err
	}
	if err := im.mergers(ctx, c, &rep); err != nil {
		return rep, err
	}
	rep.Took = time.Since(start)
	return rep, nil
}

func (c *Catalogue) all() []Entry {
	out := append([]Entry(nil), c.Current...)
	for _, h := range c.History {
		out = append(out, h.Entry)
	}
	return out
}

func codesOf(entries []Entry) []string {
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = e.Code
	}
	return out
}

// planUnits works out the rows to insert (parents before children, paths
// computed) and compares the stored ones with the catalogue.
func planUnits(entries []Entry, stored map[string]store.Unit, root *store.Unit, rep *Report) ([]store.Unit, error) {
	byCode := map[string]*store.Unit{unitmap.NationalCode: root}
	for code, u := range stored {
		byCode[code] = &u
	}
	codeOfID := map[string]string{root.ID: unitmap.NationalCode}
	for code, u := range stored {
		codeOfID[u.ID] = code
	}
	plan := make([]store.Unit, 0, len(entries)) // never reallocated: byCode points into it
	for _, e := range entries {
		parent, ok := byCode[e.Parent]
		if !ok {
			return nil, fmt.Errorf("catalogue: unit %s: parent %s comes after it or is missing", e.Code, e.Parent)
		}
		if u, ok := stored[e.Code]; ok {
			diffs := compare(e, u, parent, codeOfID)
			rep.Differences = append(rep.Differences, diffs...)
			if len(diffs) > 0 {
				rep.Differing++
			} else {
				rep.Unchanged++
			}
			continue
		}
		code := e.Code
		u := store.Unit{ID: e.ID(), Code: &code, ParentID: &parent.ID, Level: e.Level, Kind: e.Kind, Name: e.Name,
			Path: parent.Path + e.ID() + "/"}
		plan = append(plan, u)
		byCode[e.Code] = &plan[len(plan)-1]
	}
	return plan, nil
}

func compare(e Entry, u store.Unit, parent *store.Unit, codeOfID map[string]string) []Difference {
	var out []Difference
	add := func(field, stored, cat string) {
		if stored != cat {
			out = append(out, Difference{Code: e.Code, Field: field, Stored: stored, Catalogue: cat})
		}
	}
	add("name", u.Name, e.Name)
	add("level", u.Level, e.Level)
	add("kind", u.Kind, e.Kind)
	storedParent := ""
	if u.ParentID != nil {
		storedParent = *u.ParentID
		if code, ok := codeOfID[storedParent]; ok {
			storedParent = code
		}
	}
	if u.ParentID == nil || *u.ParentID != parent.ID {
		add("parent", storedParent, e.Parent)
	}
	return out
}

// insert writes the planned rows in batches, reporting progress.
func (im *Importer) insert(ctx context.Context, plan []store.Unit, rep *Report) error {
	const step = 500
	for i := 0; i < len(plan); i += step {
		chunk := plan[i:min(i+step, len(plan))]
		n, err := im.Store.InsertUnits(ctx, chunk)
		if err != nil {
			if errors.Is(err, store.ErrConflict) {
				return fmt.Errorf("catalogue: a unit already holds one of the codes %s…%s under another id: %w",
					*chunk[0].Code, *chunk[len(chunk)-1].Code, err)
			}
			return err
		}
		rep.Created += n
		rep.Unchanged += len(chunk) - n // inserted meanwhile by a concurrent run
		im.progress("units: %d/%d written", min(i+step, len(plan)), len(plan))
	}
	return nil
}

func (im *Importer) progress(format string, args ...any) {
	if im.Progress != nil {
		fmt.Fprintf(im.Progress, format+"\n", args...)
	}
}

// mergerKey groups the old units that merged into one successor by one
// resolution on one date.
type mergerKey struct {
	successor, reference string
	effective            time.Time
}

// mergers records the old map's mergers (idempotent by their derived ids).
func (im *Importer) mergers(ctx context.Context, c *Catalogue, rep *Report) error {
	groups := map[mergerKey][]string{}
	levelOf := map[string]string{}
	for _, e := range c.Current {
		levelOf[e.Code] = e.Level
	}
	for _, h := range c.History {
		if h.Successor == "" {
			continue
		}
		k := mergerKey{h.Successor, h.Reference, h.Effective}
		groups[k] = append(groups[k], h.ID())
	}
	keys := make([]mergerKey, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].successor < keys[j].successor })
	for i, k := range keys {
		level, ok := levelOf[k.successor]
		if !ok {
			return fmt.Errorf("catalogue: merger into %s: no such unit today", k.successor)
		}
		m := &store.Merger{ID: mergerID(k), SuccessorID: unitmap.IDForCode(level, k.successor), SourceIDs: groups[k],
			EffectiveAt: k.effective, Reference: k.reference, CreatedBy: im.Actor}
		_, err := im.Store.GetMerger(ctx, m.ID)
		existed := err == nil
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err := im.Store.RecordMerger(ctx, m); err != nil {
			return fmt.Errorf("catalogue: merger into %s: %w", k.successor, err)
		}
		if existed {
			rep.MergersUnchanged++
		} else {
			rep.MergersCreated++
		}
		if (i+1)%50 == 0 || i == len(keys)-1 {
			im.progress("mergers: %d/%d recorded", i+1, len(keys))
		}
	}
	return nil
}

var mergerNamespace = uuid.MustParse("8f4b7a52-1c3d-5e6f-a718-29304a5b6c7d")

func mergerID(k mergerKey) string {
	name := strings.Join([]string{k.successor, k.reference, k.effective.Format("2006-01-02")}, "|")
	return uuid.NewSHA1(mergerNamespace, []byte(name)).String()
}

// Run loads the embedded catalogue into st, with progress on progress and
// the report on out (the body of cmd/catalog).
func Run(ctx context.Context, st *store.Store, progress, out io.Writer) error {
	c, err := Load()
	if err != nil {
		return err
	}
	n := c.Count()
	fmt.Fprintf(progress, "catalogue: %d provinces, %d communes (%d xã, %d phường, %d đặc khu), %d units of the old map\n",
		n.Provinces, n.Communes, n.CommunesByKind["xa"], n.CommunesByKind["phuong"], n.CommunesByKind["dac_khu"], len(c.History))
	im := &Importer{Store: st, Progress: progress, Actor: "catalog import"}
	rep, err := im.Import(ctx, c)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "units: %d created, %d unchanged, %d differing (reported, not rewritten)\n", rep.Created, rep.Unchanged, rep.Differing)
	fmt.Fprintf(out, "mergers: %d created, %d unchanged\n", rep.MergersCreated, rep.MergersUnchanged)
	for _, d := range rep.Differences {
		fmt.Fprintln(out, "differs:", d)
	}
	fmt.Fprintf(out, "took %s\n", rep.Took.Round(time.Millisecond))
	return nil
}
