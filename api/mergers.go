package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"github.com/doithoai/doithoai/internal/contract"
	"github.com/doithoai/doithoai/internal/store"
	"github.com/doithoai/doithoai/workflows"
)

// mergerNamespace derives a merger's id from what it merges, so the same
// merger sent again is the same record.
var mergerNamespace = uuid.MustParse("5f0c1d7e-2b7a-4c59-8f61-3d0e9a4b6c21")

// maxMergerSources caps the units one merger merges.
const maxMergerSources = 100

// createMerger answers POST /units/mergers: it records the merger (the
// sources take no new plans from then on) and moves every open dialogue and
// task of the sources to the successor through their workflows, so their
// next alerts reach the successor. Sending it again records nothing new and
// moves whatever is left (after a failure half-way, say).
func (s *Server) createMerger(c *gin.Context) {
	var req contract.MergerRequest
	if err := decodeJSON(c, &req); err != nil {
		abort(c, err)
		return
	}
	m, ok := s.readMerger(c, req)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	if err := s.Store.RecordMerger(ctx, m); err != nil {
		abort(c, mergerError(err, m))
		return
	}
	view := contract.MergerView{Merger: *m}
	for _, src := range m.SourceIDs {
		d, t, err := s.moveRecords(c, m, src)
		view.MovedDialogues += d
		view.MovedTasks += t
		if err != nil {
			abort(c, err)
			return
		}
	}
	if got, err := s.Store.GetMerger(ctx, m.ID); err == nil {
		view.Merger = *got
	}
	logger(c).Info("units merged", zap.String("merger_id", m.ID), zap.String("successor_id", m.SuccessorID),
		zap.Strings("source_ids", m.SourceIDs), zap.Int("dialogues", view.MovedDialogues), zap.Int("tasks", view.MovedTasks))
	c.JSON(http.StatusCreated, view)
}

// readMerger checks a merger request: ids, the caller's reach over every
// unit named (an admin of a unit above them all), the date and reference.
func (s *Server) readMerger(c *gin.Context, req contract.MergerRequest) (*store.Merger, bool) {
	var errs []contract.FieldError
	unitField := func(field, raw string) string {
		id, err := uuid.Parse(raw)
		if err != nil {
			errs = append(errs, fieldError(field, "invalid_id"))
			return ""
		}
		ok, err := s.canOnUnit(c, kindUnits, id.String())
		if err != nil || !ok {
			errs = append(errs, unknownUnitField(field))
			return ""
		}
		return id.String()
	}
	m := &store.Merger{Reference: strings.TrimSpace(req.Reference), CreatedBy: actor(c).ID}
	if req.SuccessorID == "" {
		errs = append(errs, fieldError("successor_id", "required"))
	} else {
		m.SuccessorID = unitField("successor_id", req.SuccessorID)
	}
	switch {
	case len(req.SourceIDs) == 0:
		errs = append(errs, fieldError("source_ids", "required"))
	case len(req.SourceIDs) > maxMergerSources:
		errs = append(errs, tooManyError("source_ids", maxMergerSources, "đơn vị trong một lần sáp nhập", "units in one merger"))
	default:
		for i, raw := range req.SourceIDs {
			if id := unitField(fmt.Sprintf("source_ids[%d]", i), raw); id != "" && !slices.Contains(m.SourceIDs, id) {
				m.SourceIDs = append(m.SourceIDs, id)
			}
		}
	}
	if checkTimestamp(req.EffectiveAt, "effective_at", true, &errs) {
		m.EffectiveAt = req.EffectiveAt.Time
	}
	checkText(&errs, "reference", m.Reference, true, 200)
	if len(errs) > 0 {
		abort(c, validationError(errs...))
		return nil, false
	}
	slices.Sort(m.SourceIDs)
	m.ID = uuid.NewSHA1(mergerNamespace, []byte(m.SuccessorID+"|"+strings.Join(m.SourceIDs, ",")+"|"+m.EffectiveAt.UTC().Format("2006-01-02T15:04:05Z"))).String()
	return m, true
}

// mergerError turns a refused merger into its answer: 422 naming the unit
// and the rule, 409 for a merger recorded before with other contents.
func mergerError(err error, m *store.Merger) error {
	var me *store.MergerError
	switch {
	case errors.Is(err, store.ErrMergerChanged):
		return newError(http.StatusConflict, CodeConflict,
			"Cuộc sáp nhập này đã được ghi nhận với căn cứ khác.", "This merger was recorded before with another reference.")
	case errors.As(err, &me):
		field := "successor_id"
		if i := slices.Index(m.SourceIDs, me.UnitID); i >= 0 {
			field = fmt.Sprintf("source_ids[%d]", i)
		}
		code, vi, en := mergerRule(me.Reason)
		return validationError(fieldErrorMsg(field, code, vi, en))
	case errors.Is(err, store.ErrNotFound):
		return validationError(unknownUnitField("source_ids"))
	}
	return err
}

// mergerRule is the code and wording of a merger rule.
func mergerRule(reason error) (code, vi, en string) {
	switch {
	case errors.Is(reason, store.ErrMergerSourceMerged):
		return "already_merged", "Đơn vị này đã sáp nhập trước đó.", "This unit has already merged."
	case errors.Is(reason, store.ErrMergerSourceIsSuccessor):
		return "source_is_successor", "Đơn vị kế thừa không thể là đơn vị bị sáp nhập.", "The successor cannot be one of the merged units."
	case errors.Is(reason, store.ErrMergerSourceAncestor):
		return "source_is_ancestor", "Không thể sáp nhập đơn vị cấp trên vào đơn vị cấp dưới của nó.", "A unit cannot merge into a unit below it."
	case errors.Is(reason, store.ErrMergerLevelMismatch):
		return "level_mismatch", "Các đơn vị sáp nhập phải cùng cấp với đơn vị kế thừa.", "Merged units must be at the successor's level."
	case errors.Is(reason, store.ErrMergerSuccessorMerged):
		return "successor_merged", "Đơn vị kế thừa đã sáp nhập vào đơn vị khác.", "The successor has itself merged away."
	}
	return "invalid", "Không ghi nhận được cuộc sáp nhập.", "The merger cannot be recorded."
}

// moveRecords moves the open dialogues and tasks of one merged unit to the
// successor, each by an Update of its workflow whose id is derived from the
// merger (a repeat is answered by the first).
func (s *Server) moveRecords(c *gin.Context, m *store.Merger, from string) (dialogues, tasks int, err error) {
	ctx := c.Request.Context()
	ds, ts, err := s.Store.OpenRecordsOf(ctx, from)
	if err != nil {
		return 0, 0, err
	}
	req := workflows.MoveUnitRequest{From: from, To: m.SuccessorID, MergerID: m.ID, Actor: actor(c)}
	for _, id := range ds {
		moved, err := s.moveUpdate(ctx, workflows.DialogueWorkflowID(id), workflows.UpdateDialogueMoveUnit, req, &workflows.DialogueState{})
		if err != nil {
			return dialogues, tasks, err
		}
		dialogues += moved
	}
	for _, id := range ts {
		moved, err := s.moveUpdate(ctx, workflows.TaskWorkflowID(id), workflows.UpdateMoveUnit, req, &workflows.TaskView{})
		if err != nil {
			return dialogues, tasks, err
		}
		tasks += moved
	}
	return dialogues, tasks, nil
}

// moveUpdate sends one move; it reports 0 for a workflow that has just
// finished (the record settled meanwhile and stays where it was).
func (s *Server) moveUpdate(ctx context.Context, workflowID, name string, req workflows.MoveUnitRequest, result any) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, s.updateTimeout())
	defer cancel()
	h, err := s.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		UpdateID: "merger/" + req.MergerID + "/" + req.From, WorkflowID: workflowID, UpdateName: name,
		WaitForStage: client.WorkflowUpdateStageCompleted, Args: []any{req},
	})
	if err == nil {
		err = h.Get(ctx, result)
	}
	var nf *serviceerror.NotFound
	switch {
	case errors.As(err, &nf):
		return 0, nil
	case err != nil:
		return 0, fmt.Errorf("move %s to the successor: %w", workflowID, err)
	}
	return 1, nil
}
