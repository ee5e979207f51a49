// Package lifecycle is the one home of the lifecycle rules of plans,
// dialogues and follow-up tasks: policy and spec validation with field
// paths, the task timetable (deadline, reminders, escalation ladder), the
// escalation recipient kinds, the task state a task workflow keeps, the
// rules that refuse a task command in the wrong state (Refusal: a reason
// code and its words), and the wording (Vietnamese and English) of task
// notices and alerts.
//
// It is pure: no Temporal, no SQL, no clock. The API validators, the
// workflow validators, the pages, the activities and the data generator all
// call it, so a rule is written once.
package lifecycle
