package io.audiospective.scheduler;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A user the scheduler knows about, as last told by the {@code users} topic. */
@Entity
@Table(name = "scheduled_users")
public class ScheduledUser {

    @Id
    @Column(name = "user_id")
    public String userId;

    @Enumerated(EnumType.STRING)
    public ScheduleStatus status;

    /** When the event that set {@link #status} happened; older events never overwrite newer ones. */
    @Column(name = "status_since")
    public Instant statusSince;
}
