package httpapi

import (
	"encoding/json"

	"github.com/meetd/meetd"
)

// checkReminders validates meetingOptions.reminderMinutes, which stays
// among the meeting type's options as sent (docs/decisions.md#e-mail):
// a list of at most five whole minutes before the start, each from 1 to
// 43200 (30 days); [] turns reminders off, null or absent means the
// default (a day and an hour before).
func checkReminders(v *meetd.Validation, opts fields) {
	raw, ok := opts[meetd.ReminderOption]
	if !ok || isNull(raw) {
		return
	}
	var mins []int
	if err := json.Unmarshal(raw, &mins); err != nil {
		v.Add("meetingOptions."+meetd.ReminderOption, "meetingOptions.reminderMinutes must be an array of whole minutes")
		return
	}
	if msg := meetd.CheckReminders(mins); msg != "" {
		v.Add("meetingOptions."+meetd.ReminderOption, msg)
	}
}
