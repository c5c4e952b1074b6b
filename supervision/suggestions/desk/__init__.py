"""Signed-in pages of deputies' suggestions (phone first): deputies draft, submit, resubmit
and rate; handling units plan, log contacts, reply and ask for more time; the office
reviews, assigns (singly or at an assignment meeting), approves extensions and supervises;
statistics and the yearly report with its Excel ledger.

``pages`` holds the list and the drafting pages, ``detail`` the page of one suggestion and
its actions (``portal.desk.ObjectDesk``), ``office`` the office's pages. Every read goes
through ``queries`` (``portal.access``); every change is a ``workflow`` function.
"""
