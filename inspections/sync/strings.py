"""The texts static/js/app.js and offline.js show, served translated by GET /sync/strings.json.

The English text is the msgid (Babel extracts the N_ markers) and the key the scripts look up;
``%(name)s`` placeholders are filled in by the scripts.
"""


def N_(text: str) -> str:
    """Mark a text for translation without translating it now."""
    return text


JS_STRINGS = (
    N_("Online"),
    N_("Offline"),
    N_("%(count)s waiting to send"),
    N_("%(count)s rejected"),
    N_("log in again"),
    N_("never"),
    N_("%(count)s pages saved for offline use at %(time)s."),
    N_("Not saved for offline use yet."),
    N_("Unsent work of %(users)s is kept on this phone until they log in."),
    N_("Draft"),
    N_("Submission"),
    N_("revision %(revision)s"),
    N_("Rejected"),
    N_("Correct the answers and submit again; this entry stays here until then."),
    N_("late"),
    N_("Your session has ended. Your work is kept on this phone; log in again to send it."),
    N_("No connection. Your work is kept on this phone; trying again in %(seconds)s s."),
    N_("The server did not answer properly (%(status)s); trying again in %(seconds)s s."),
    N_("%(sent)s sent, %(rejected)s rejected: see the reasons below."),
    N_("All sent."),
    N_("Could not read the storage of this phone: %(error)s"),
    N_("Saving your visits on this phone…"),
    N_("Could not save pages for offline use now; try again when the connection is better."),
    N_("Nothing unsent to save."),
    N_("%(count)s unsent entries saved to a file. Give it to your team lead if this phone cannot send them."),
    N_("Could not save on this phone: %(error)s"),
    N_("Your answers saved on this phone were put back into the form."),
    N_("uploaded"),
    N_("kept on this phone until it is sent"),
    N_("The server refused this checklist: see the reasons next to the answers."),
    N_("Sent to the server."),
    N_("Saved on this phone; it will be sent when the connection is back."),
    # why the server refused an entry (the "reason" of a rejected result)
    N_("not assigned to you"),
    N_("conflicts with what the server has"),
    N_("answers not accepted"),
    N_("id used by another checklist"),
    N_("wrong checklist version"),
    N_("a file was refused"),
    N_("too large"),
    N_("server error"),
    # what happened to a sent entry
    N_("received"),
    N_("updated"),
    N_("already on the server"),
    N_("the server had a newer revision"),
)
