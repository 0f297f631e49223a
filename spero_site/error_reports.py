"""Keeping personal data out of error reports.

Django's error reports (the e-mail to ADMINS, the log) show a failed request's POST fields and
the local variables of every frame. A view that receives personal data is wrapped with
`hides_personal_data`: every POST field is replaced by stars (sensitive_post_parameters), and
so is every local variable in the view and in everything it calls (sensitive_variables: the
reporter applies the first wrapper it finds among a frame's callers). What is left is enough to
debug: the path, the traceback's files, lines and function names. Functions that handle the
fødselsnummer outside such a view (the tax report, the encryption) carry sensitive_variables
themselves."""

from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables


def hides_personal_data(view):
    # Every field and variable, not a list of names: one added later is covered too.
    return sensitive_post_parameters()(sensitive_variables()(view))
