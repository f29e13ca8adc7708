package io.audiospective.auth.repository;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.auth.Member;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class MemberRepository implements PanacheRepositoryBase<Member, String> {}
