# Merges the event actions 督办 (supervision) and 好差评 / complaints (evaluation) added on the same day.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_caseitem_deadline_scan_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="caseevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("submit", "Submitted"),
                    ("file_walk_in", "Filed at the window"),
                    ("request_correction", "Correction notice issued"),
                    ("correct_values", "Form corrected"),
                    ("replace_material", "Material replaced"),
                    ("resubmit", "Resubmitted after correction"),
                    ("receive", "Received, receipt issued"),
                    ("attach_scan", "Paper material scanned"),
                    ("distribute", "Distributed to the departments"),
                    ("supply_deferred", "Deferred material supplied"),
                    ("release_deferral", "Deferred material no longer needed"),
                    ("withdraw", "Withdrawn"),
                    ("item", "Item changed"),
                    ("accept_item", "Accepted by the department"),
                    ("pre_review_item", "Accepted for pre-review"),
                    ("refuse_item", "Not accepted"),
                    ("approve_item", "Approved"),
                    ("deny_item", "Denied"),
                    ("pause_item", "Supplement requested; clock paused"),
                    ("resume_item", "Supplement received; clock resumed"),
                    ("assign_item", "Assigned"),
                    ("urge_item", "Urged"),
                    ("escalate_item", "Escalated by supervision"),
                    ("answer_escalation", "Escalation answered"),
                    ("close_escalation", "Escalation closed"),
                    ("release_item", "Prerequisite result received"),
                    ("stop_item", "Stopped: a prerequisite failed"),
                    ("clock_warning", "Time limit nearly reached"),
                    ("clock_overdue", "Time limit passed"),
                    ("issue_licence", "E-licence issued"),
                    ("revoke_licence", "E-licence revoked"),
                    ("choose_delivery", "Way of receiving the results chosen"),
                    ("results_ready", "Results ready to collect"),
                    ("deliver", "Results delivered"),
                    ("archive", "Archived"),
                    ("note", "Note"),
                    ("book_inspection", "Joint inspection booked"),
                    ("record_inspection", "Joint inspection outcome recorded"),
                    ("cancel_inspection", "Joint inspection cancelled"),
                    ("issue_document", "Document issued"),
                    ("revoke_document", "Document revoked"),
                    ("rate", "Service rated"),
                    ("rectification", "Poor rating: rectification"),
                    ("complaint", "Complaint"),
                ],
                max_length=30,
                verbose_name="action",
            ),
        ),
    ]
