//! The sets of words a language gives whole: a report's, the needs
//! ledger's, and clap's own words in `--help`.

/// The words of a report, in one language.
#[derive(Debug)]
pub struct ReportWords {
    pub report: &'static str,
    pub as_of: &'static str,
    pub summary: &'static str,
    pub grids: &'static str,
    pub workers: &'static str,
    pub overdue_list: &'static str,
    pub trend: &'static str,
    pub level: &'static str,
    pub households: &'static str,
    pub overdue: &'static str,
    pub required: &'static str,
    pub met: &'static str,
    pub rate: &'static str,
    pub visits: &'static str,
    pub households_visited: &'static str,
    pub person_times: &'static str,
    pub never_visited: &'static str,
    pub grid: &'static str,
    pub worker: &'static str,
    pub in_charge: &'static str,
    pub in_charge_visited: &'static str,
    pub household: &'static str,
    pub address: &'static str,
    pub contact: &'static str,
    pub last_visit: &'static str,
    pub deadline: &'static str,
    pub days_overdue: &'static str,
    pub never: &'static str,
    pub month: &'static str,
    pub none: &'static str,
    pub total: &'static str,
    pub chart_levels: &'static str,
    pub chart_grids: &'static str,
    pub chart_trend: &'static str,
    pub masked_note: &'static str,
    /// The trend's title and chart when it shows a longer span's own months.
    pub trend_months: &'static str,
    pub chart_trend_months: &'static str,
    /// 走访覆盖率, 办结率 and 回访满意率 beside their counts.
    pub coverage: &'static str,
    pub resolution_rate: &'static str,
    pub satisfaction_rate: &'static str,
    /// The trend's change against the month before (环比): its name in the
    /// notes, and the columns of visits and of the compliance rate.
    pub change: &'static str,
    pub visits_change: &'static str,
    pub rate_change: &'static str,
    /// The workbook's first sheet, its line of the span and its columns.
    pub overview: &'static str,
    pub period: &'static str,
    pub figure: &'static str,
    pub value: &'static str,
    pub numerator: &'static str,
    pub denominator: &'static str,
    pub definition: &'static str,
    /// The title of the notes that define every figure.
    pub notes: &'static str,
    pub define: &'static Definitions,
    /// The line a printed report is signed on: 制表人：, 审核人：, 日期：
    pub prepared_by: &'static str,
    pub checked_by: &'static str,
    pub date: &'static str,
    /// A printed page's footer: the words before the page number, between
    /// it and the number of pages, and after.
    pub page: [&'static str; 3],
}

/// What each figure of the report means, one sentence each.
#[derive(Debug)]
pub struct Definitions {
    pub households: &'static str,
    pub visits: &'static str,
    pub households_visited: &'static str,
    pub person_times: &'static str,
    pub coverage: &'static str,
    pub overdue: &'static str,
    pub never_visited: &'static str,
    pub required: &'static str,
    pub met: &'static str,
    pub rate: &'static str,
    pub change: &'static str,
    pub resolution_rate: &'static str,
    pub satisfaction_rate: &'static str,
    /// A special group's row (重点人群), with tags in the roster.
    pub special_groups: &'static str,
}

/// The words of the needs ledger: its list, its columns in `due` and its
/// section of the report, in one language.
#[derive(Debug)]
pub struct NeedWords {
    pub id: &'static str,
    pub household: &'static str,
    pub grid: &'static str,
    pub raised: &'static str,
    pub raised_by: &'static str,
    pub category: &'static str,
    pub text: &'static str,
    pub status: &'static str,
    pub days_open: &'static str,
    pub resolved_on: &'static str,
    pub resolution: &'static str,
    pub follow_up: &'static str,
    pub satisfaction: &'static str,
    pub open: &'static str,
    pub in_progress: &'static str,
    pub resolved: &'static str,
    pub satisfied: &'static str,
    pub basically_satisfied: &'static str,
    pub dissatisfied: &'static str,
    /// The `due` table's column.
    pub open_needs: &'static str,
    pub none_listed: &'static str,
    /// Report section titles.
    pub by_category: &'static str,
    pub by_grid: &'static str,
    pub by_worker: &'static str,
    /// Report columns.
    pub raised_in_period: &'static str,
    pub of_them_resolved: &'static str,
    pub of_them_in_progress: &'static str,
    pub of_them_open: &'static str,
    pub resolved_in_period: &'static str,
    pub unresolved_at_end: &'static str,
    pub over_limit: &'static str,
    pub median_days: &'static str,
    pub follow_ups: &'static str,
    pub satisfaction_rate: &'static str,
    pub worker: &'static str,
    pub visits: &'static str,
    pub total: &'static str,
}

impl NeedWords {
    pub fn status(&self, s: crate::model::need::NeedStatus) -> &'static str {
        use crate::model::need::NeedStatus;
        match s {
            NeedStatus::Open => self.open,
            NeedStatus::InProgress => self.in_progress,
            NeedStatus::Resolved => self.resolved,
        }
    }

    pub fn satisfaction(&self, s: crate::model::need::Satisfaction) -> &'static str {
        use crate::model::need::Satisfaction;
        match s {
            Satisfaction::Satisfied => self.satisfied,
            Satisfaction::BasicallySatisfied => self.basically_satisfied,
            Satisfaction::Dissatisfied => self.dissatisfied,
        }
    }
}

/// The words clap writes itself into `--help`, and the epilogue of
/// `rounds --help`.
#[derive(Debug)]
pub struct HelpWords {
    /// Headings, with their colon.
    pub usage: &'static str,
    pub commands: &'static str,
    pub arguments: &'static str,
    pub options: &'static str,
    /// `-h, --help` and `-V, --version`.
    pub print_help: &'static str,
    pub print_version: &'static str,
    /// The `help` subcommand and its argument.
    pub help_command: &'static str,
    pub help_command_arg: &'static str,
    /// The text after the options of `rounds --help`.
    pub after_help: &'static str,
}

/// The words of the report's roster-changes sections, in one language.
#[derive(Debug)]
pub struct ChangeWords {
    pub changes_title: &'static str,
    pub list_title: &'static str,
    pub kind: &'static str,
    pub re_rating: &'static str,
    pub reassignment: &'static str,
    pub moved: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub count: &'static str,
    pub date: &'static str,
    pub household: &'static str,
    pub resident: &'static str,
    pub reason: &'static str,
    pub by: &'static str,
}

impl ChangeWords {
    pub fn of(lang: super::Lang) -> &'static ChangeWords {
        match lang {
            super::Lang::En => &ChangeWords {
                changes_title: "Re-ratings and reassignments",
                list_title: "Roster changes",
                kind: "change",
                re_rating: "re-rating",
                reassignment: "reassignment",
                moved: "moved household",
                from: "from",
                to: "to",
                count: "residents",
                date: "date",
                household: "household",
                resident: "resident",
                reason: "reason",
                by: "recorded by",
            },
            super::Lang::Zh => &ChangeWords {
                changes_title: "等级调整与负责人交接",
                list_title: "名册变更明细",
                kind: "变更",
                re_rating: "关注等级调整",
                reassignment: "负责人交接",
                moved: "户号变更",
                from: "变更前",
                to: "变更后",
                count: "人数",
                date: "日期",
                household: "户号",
                resident: "居民编号",
                reason: "原因",
                by: "经办人",
            },
        }
    }
}

/// The words of workers.csv in the report (the worker section's added
/// columns, the party branch and party group sections) and in `rounds
/// workers`, in one language.
#[derive(Debug)]
pub struct WorkerWords {
    pub branch_title: &'static str,
    pub group_title: &'static str,
    pub list_title: &'static str,
    pub worker: &'static str,
    pub phone: &'static str,
    pub role: &'static str,
    pub grid: &'static str,
    pub branch: &'static str,
    pub party_group: &'static str,
    pub party_member: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub members: &'static str,
    pub serving: &'static str,
    pub party_members_serving: &'static str,
    pub households: &'static str,
    pub visits: &'static str,
    pub person_times: &'static str,
    pub required: &'static str,
    pub met: &'static str,
    pub rate: &'static str,
    pub needs_raised: &'static str,
    pub needs_resolved: &'static str,
    pub overdue: &'static str,
    /// A visitor name that workers.csv lacks.
    pub not_registered: &'static str,
    pub none_listed: &'static str,
    /// `rounds workers`' short headers (in charge, visits, overdue) and
    /// the note that says what they count.
    pub list_heads: [&'static str; 3],
    pub list_note: &'static str,
    /// What the party sections' figures mean (the report's notes).
    pub serving_means: &'static str,
    pub in_charge_means: &'static str,
    pub needs_means: &'static str,
}

impl WorkerWords {
    pub fn of(lang: super::Lang) -> &'static WorkerWords {
        match lang {
            super::Lang::En => &WorkerWords {
                branch_title: "Party branches: service and results",
                group_title: "Party groups: service and results",
                list_title: "Workers",
                worker: "worker",
                phone: "phone",
                role: "role",
                grid: "grid",
                branch: "party branch",
                party_group: "party group",
                party_member: "party member",
                yes: "yes",
                no: "no",
                members: "members",
                serving: "serving",
                party_members_serving: "of them party members",
                households: "in charge",
                visits: "visits",
                person_times: "person-times",
                required: "required",
                met: "met",
                rate: "rate",
                needs_raised: "needs taken up",
                needs_resolved: "needs resolved",
                overdue: "overdue",
                not_registered: "(unlisted)",
                none_listed: "No worker matches.",
                list_heads: ["in charge", "visits", "overdue"],
                list_note: "in charge, overdue: households on that day; visits, rate: this month so far",
                serving_means: "of a party branch or group, its members in workers.csv \
                                (members) who made a visit in the period (serving)",
                in_charge_means: "of a branch or group, the households its members are in \
                                  charge of on the as-of date; required and met are theirs, \
                                  credited on each period's last day",
                needs_means: "needs raised in the period by its members, or for households \
                              in their charge on the day (taken up); needs of theirs resolved \
                              in the period (resolved)",
            },
            super::Lang::Zh => &WorkerWords {
                branch_title: "党支部服务次数与效果",
                group_title: "党小组服务次数与效果",
                list_title: "工作人员",
                worker: "姓名",
                phone: "联系电话",
                role: "职务",
                grid: "网格",
                branch: "党支部",
                party_group: "党小组",
                party_member: "党员",
                yes: "是",
                no: "否",
                members: "在册人数",
                serving: "参与服务",
                party_members_serving: "其中党员",
                households: "负责户数",
                visits: "走访户次",
                person_times: "走访人次",
                required: "应访户次",
                met: "已访户次",
                rate: "完成率",
                needs_raised: "受理诉求",
                needs_resolved: "办结诉求",
                overdue: "逾期户数",
                not_registered: "（未登记）",
                none_listed: "没有符合条件的工作人员。",
                list_heads: ["户数", "走访", "逾期"],
                list_note: "户数、逾期：当日负责及逾期的户数；走访、完成率：本月至当日",
                serving_means: "党支部或党小组在工作人员名册中的人数（在册人数），其中本期有走访的人数（参与服务）",
                in_charge_means: "截至日其成员负责的住户；应访、已访按各周期最后一天的负责人计入",
                needs_means: "本期由其成员登记、或登记当日由其成员负责的住户提出的诉求（受理），及其中本期办结的（办结）",
            },
        }
    }
}

/// The words of a district's roll-up of several communities.
#[derive(Debug)]
pub struct RollupWords {
    /// The report's title before the span: "3 communities".
    pub title: fn(usize) -> String,
    /// The section of each community's figures, and its column.
    pub by_community: &'static str,
    pub community: &'static str,
    pub coverage: &'static str,
    pub needs_raised: &'static str,
    pub needs_resolved: &'static str,
    /// On stderr, with --skip-invalid: a community left out (its name, its
    /// directory and how many errors its data holds).
    pub skipped: fn(&str, &str, usize) -> String,
}

static EN_ROLLUP: RollupWords = RollupWords {
    title: |n| format!("{n} communities:"),
    by_community: "Communities",
    community: "community",
    coverage: "coverage",
    needs_raised: "needs raised",
    needs_resolved: "needs resolved",
    skipped: |name, dir, errors| {
        let s = if errors == 1 { "" } else { "s" };
        format!(
            "left out: {name} ({dir}), {errors} error{s} in its data (`rounds --data {dir} check` lists them)"
        )
    },
};

static ZH_ROLLUP: RollupWords = RollupWords {
    title: |n| format!("{n}个社区汇总"),
    by_community: "各社区情况",
    community: "社区",
    coverage: "走访覆盖率",
    needs_raised: "受理诉求",
    needs_resolved: "办结诉求",
    skipped: |name, dir, errors| {
        format!(
            "未纳入：{name}（{dir}），数据有 {errors} 处错误（`rounds --data {dir} check` 可列出）"
        )
    },
};

impl super::Lang {
    /// The words of a roll-up of several communities.
    pub fn rollup_words(self) -> &'static RollupWords {
        match self {
            super::Lang::En => &EN_ROLLUP,
            super::Lang::Zh => &ZH_ROLLUP,
        }
    }
}
