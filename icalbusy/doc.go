// Package icalbusy turns iCalendar data (a CalDAV calendar, a secret feed
// exported by Google, Outlook or Apple) into the times its owner is busy.
// It is pure computation: no network, no store, no clock.
//
// # What blocks
//
// Every VEVENT blocks [start, end) of each of its instances, except:
//
//   - TRANSP:TRANSPARENT events, and Outlook's X-MICROSOFT-CDO-BUSYSTATUS:FREE;
//   - STATUS:CANCELLED events (a cancelled series, or a cancelled override,
//     which removes that one instance);
//   - instances removed by EXDATE or replaced by an override (a VEVENT with
//     the same UID and a RECURRENCE-ID naming the instance's original start;
//     the override's own times, status and transparency then apply);
//   - zero-length events (a DATE-TIME DTSTART with no DTEND or DURATION);
//   - events meetd itself wrote for its appointments (UID ending in
//     "@meetd", package invite): the appointment blocks its hosts already,
//     and a cancelled or moved one frees its time at once instead of when
//     the calendar is next read.
//
// Tentative events block: a host who may be busy is not offered.
//
// # Times
//
// A DATE-TIME with a Z is UTC; with TZID it is wall-clock time in that
// zone, which is looked up as an IANA name, then as a Windows zone name
// (Outlook writes "W. Europe Standard Time"; the table is CLDR's
// windowsZones, embedded), then as the tail of a Mozilla-style path
// ("/mozilla.org/…/Europe/Berlin"), and last through the calendar's own
// VTIMEZONE block with that TZID. A TZID none of these knows is read as
// floating. Floating times and DATE values (all-day events) are read in
// the zone passed to Busy, the host's own zone: an all-day event covers
// the host's whole local day, which is the day the host sees it on. With
// no zone, the calendar's X-WR-TIMEZONE is used, else UTC.
//
// Recurrences are expanded in wall-clock time and each instance converted
// to an instant afterwards, so a weekly 12:00 lunch stays at 12:00 across
// a DST change. An instance lasts DTEND − DTSTART in wall-clock time (so
// an all-day event is one local day even on a 23-hour day), or its
// DURATION, whose days and weeks are wall-clock days and whose hours,
// minutes and seconds are exact. An RDATE may be a PERIOD with its own end.
// RANGE=THISANDFUTURE on an override is read as an override of the one
// instance.
//
// # Bounds
//
// A feed is untrusted. Parse reads at most the bytes it is given as a cap.
// Busy expands rules of FREQ=DAILY or rarer only (no calendar application
// writes HOURLY, MINUTELY or SECONDLY events, and they are the ones that
// cost most), skips rules that yield no instance in a probe of ten years,
// jumps a DAILY or WEEKLY rule without COUNT ahead to the window instead
// of walking it from a DTSTART decades back, and stops an event after
// MaxInstancesPerEvent instances and a calendar after
// MaxInstancesPerCalendar instances or MaxIntervals busy intervals in the
// window. What was skipped or cut short is reported in a *Partial error
// next to the intervals found, which are still right for every event
// expanded in full.
package icalbusy
