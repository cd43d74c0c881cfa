"""The people working on an assessment: inviting a co-author, removing one, handing the
lead to another author. Each is an audit event and an e-mail to the person (through the
outbox); every refusal is a WorkflowError that changed nothing. The pages and the API
both call in here, so they refuse alike.

Access is read from the authors' rows on every request (ehria.permissions), so someone
removed loses it at once: in open sessions and through their API tokens alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ehria import notifications
from ehria.accounts import find_user
from ehria.assessments import InvalidAnswers, record_event, update_answers, version_tag
from ehria.form import load_definition
from ehria.models import Assessment, AssessmentAuthor, Notification, User, utcnow
from ehria.roles import Role
from ehria.workflow import Conflict, NotAllowed, NotReady, WrongState

MAX_JOB_TITLE = 200


@dataclass
class Change:
    """What a change to the authors did: the e-mails to send once it is committed."""

    messages: list[Notification] = field(default_factory=list)


def _must_be_author(assessment: Assessment, actor: User) -> None:
    if not assessment.is_author(actor):
        raise NotAllowed("Only its authors can change who works on it.")


def _email_error(message: str) -> NotReady:
    return NotReady(message, fields={"email": [message]})


def _officer_to_invite(email: object) -> User:
    """The active lead officer with this address, or a refusal saying what is wrong."""
    if not isinstance(email, str) or not email.strip():
        raise _email_error("Enter the e-mail address of the lead officer to invite")
    email = email.strip()
    user = find_user(email)
    if user is None:
        raise _email_error(f"There is no EHRIA account for {email}: check the address, "
                           "or ask an administrator to make one")
    if not user.active:
        raise _email_error(f"The account for {email} is switched off: ask an "
                           "administrator to switch it on")
    if not user.has_role(Role.LEAD_OFFICER):
        raise _email_error(f"{email} is not a lead officer: only lead officers can work "
                           "on an assessment")
    return user


def invite(assessment: Assessment, actor: User, email: object, *,
           already_ok: bool = False) -> Change:
    """Make a lead officer (of any department) an author. Inviting an existing author
    is refused, unless `already_ok` (the API's POST is idempotent)."""
    _must_be_author(assessment, actor)
    if not assessment.is_editable:
        raise WrongState("Co-authors can be added while it is a draft or returned.")
    user = _officer_to_invite(email)
    if assessment.is_author(user):
        if already_ok:
            return Change()
        raise _email_error(f"{user.name} already works on this assessment")
    assessment.author_rows.append(AssessmentAuthor(user=user, added_at=utcnow()))
    assessment.updated_at = utcnow()
    record_event(assessment, actor, "co_author_added", detail={"email": user.email})
    return Change(notifications.queue_to(assessment, user, "co_author_added", actor))


def remove(assessment: Assessment, actor: User, user: User | None) -> Change:
    """Take an author off. The last author stays (someone must own it), and so does the
    lead until they hand the lead on (the key details name them)."""
    _must_be_author(assessment, actor)
    if user is None or not assessment.is_author(user):
        raise NotReady("That person is not an author of this assessment.",
                       fields={"email": ["Not an author of this assessment"]})
    if len(assessment.author_rows) == 1:
        raise Conflict("The last author of an assessment cannot be removed.")
    lead = assessment.lead
    if lead is not None and lead.id == user.id:
        raise Conflict(f"{user.name} leads this assessment: hand the lead to another "
                       "author before removing them.")
    row = next(r for r in assessment.author_rows if r.user_id == user.id)
    assessment.author_rows.remove(row)
    assessment.updated_at = utcnow()
    record_event(assessment, actor, "co_author_removed", detail={"email": user.email})
    return Change(notifications.queue_to(assessment, user, "co_author_removed", actor))


def _job_title(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise NotReady("Enter the new lead officer's job title.",
                       fields={"job_title": ["Enter the new lead officer's job title"]})
    if len(value) > MAX_JOB_TITLE:
        message = f"Job title must be {MAX_JOB_TITLE} characters or fewer"
        raise NotReady(message, fields={"job_title": [message]})
    return value.strip()


def _key_details_patch(assessment: Assessment, name: str, job_title: str) -> dict:
    """The answers naming the lead officer and their job title, where the template has
    them (its `assessment:` block)."""
    fields = load_definition(assessment.revision.template_version).assessment
    patch: dict = {}
    for path, value in ((fields.lead_officer, name), (fields.lead_officer_job_title,
                                                      job_title)):
        if path:
            section, key = path.split(".", 1)
            patch.setdefault(section, {})[key] = value
    return patch


def hand_lead(assessment: Assessment, actor: User, new_lead: User | None,
              job_title: object) -> Change:
    """Make another author the lead; the key details follow (name and job title)."""
    _must_be_author(assessment, actor)
    if not assessment.is_editable:
        raise WrongState("The lead can be handed over while it is a draft or returned.")
    if new_lead is None or not assessment.is_author(new_lead):
        raise NotReady("Choose one of its authors to lead it.",
                       fields={"lead": ["Choose one of its authors to lead it"]})
    current = assessment.lead
    if current is not None and current.id == new_lead.id:
        raise NotReady(f"{new_lead.name} already leads it.",
                       fields={"lead": [f"{new_lead.name} already leads it"]})
    title = _job_title(job_title)
    try:
        update_answers(assessment, actor, _key_details_patch(assessment, new_lead.name, title),
                       version_tag(assessment))
    except InvalidAnswers as error:
        raise NotReady(error.message, fields={"job_title": [
            message for messages in error.fields.values() for message in messages]}) from error
    assessment.lead_id = new_lead.id
    assessment.updated_at = utcnow()
    record_event(assessment, actor, "lead_handed_over", detail={
        "from": current.email if current else None, "to": new_lead.email, "job_title": title})
    return Change(notifications.queue_to(assessment, new_lead, "lead_handed_over", actor,
                                         detail=title))
