package meetd

import (
	"encoding/json"
	"slices"
	"time"
)

// ReminderOption is the key under meetingOptions that holds a meeting
// type's reminders: a list of minutes before the start at which each
// attendee who asked for reminders gets one (docs/decisions.md#e-mail).
// meetergo's API names no such field; an empty list turns reminders off.
const ReminderOption = "reminderMinutes"

// DefaultReminders are the reminders of a meeting type that sets none: a
// day and an hour before.
var DefaultReminders = []time.Duration{24 * time.Hour, time.Hour}

// Reminder limits: at most MaxReminders per meeting type, each at most
// MaxReminderMinutes before the start.
const (
	MaxReminders       = 5
	MaxReminderMinutes = 30 * 24 * 60
)

// Reminders are how long before the start the meeting type's reminders go
// out, longest first, without repeats. A stored value that is not a list
// of minutes within the limits counts as the default.
func (m MeetingType) Reminders() []time.Duration {
	raw, ok := m.ExtraOptions[ReminderOption]
	if !ok || string(raw) == "null" {
		return slices.Clone(DefaultReminders)
	}
	var mins []int
	if err := json.Unmarshal(raw, &mins); err != nil || CheckReminders(mins) != "" {
		return slices.Clone(DefaultReminders)
	}
	out := make([]time.Duration, 0, len(mins))
	for _, n := range mins {
		out = append(out, time.Duration(n)*time.Minute)
	}
	slices.Sort(out)
	slices.Reverse(out)
	return slices.Compact(out)
}

// CheckReminders says what is wrong with a list of reminder minutes, or
// "" when nothing is.
func CheckReminders(mins []int) string {
	if len(mins) > MaxReminders {
		return "meetingOptions.reminderMinutes must contain no more than 5 elements"
	}
	for _, n := range mins {
		if n < 1 || n > MaxReminderMinutes {
			return "each value in meetingOptions.reminderMinutes must be between 1 and 43200"
		}
	}
	return ""
}
