//! Every diagnostic code pipec reports. `docs/diagnostics.md` explains each one;
//! a test keeps that file and this table in step.

use serde::Serialize;

macro_rules! codes {
    ($($variant:ident = $code:literal, $title:literal;)*) => {
        /// A diagnostic's stable identity, printed as `pipe::E014`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant,)* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as printed: `pipe::E014`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => concat!("pipe::", $code),)* }
            }

            /// A short title, used as the heading in `docs/diagnostics.md`.
            pub fn title(self) -> &'static str {
                match self { $(Code::$variant => $title,)* }
            }
        }
    };
}

codes! {
    Syntax = "E001", "syntax error";
    Io = "E002", "file cannot be read";
    NestingTooDeep = "E003", "nesting too deep";
    ExpressionTooLong = "E004", "expression too long";
    OutsideProject = "E005", "file outside the project";
    DuplicateName = "E010", "duplicate name";
    DuplicateSetting = "E011", "setting given twice";
    UnknownTask = "E012", "unknown task";
    UnknownHandler = "E014", "handler used but not declared";
    UnknownCalendar = "E015", "unknown calendar";
    UnknownTimeZone = "E016", "unknown time zone";
    UnknownMarketState = "E017", "unknown market state";
    UnknownPipeline = "E018", "unknown pipeline";
    UnknownDaySet = "E019", "unknown day set";
    BadBuiltin = "E020", "unknown built-in handler or bad argument";
    UnknownPriority = "E021", "unknown priority";
    UnknownMergeStrategy = "E022", "unknown merge strategy";
    HandlerWithoutCommand = "E023", "handler has no command, or more than one";
    BadSecretName = "E024", "a secret names no valid environment variable";
    ProgramCannotRun = "E025", "a handler's program cannot run";
    DependencyCycle = "E030", "dependency cycle";
    PipelineCycle = "E031", "pipeline runs itself";
    DependsOnLaterStage = "E032", "dependency on a later stage";
    TypeMismatch = "E040", "type error in an expression";
    UnknownContextKey = "E041", "no upstream task produces this key";
    UnknownFunction = "E042", "unknown function or wrong arguments";
    DefaultDoesNotFit = "E043", "default value does not fit the handler's output";
    GateNotBoolean = "E044", "gate is not a true/false expression";
    MisplacedLambda = "E045", "lambda outside any, all or count";
    ParallelWriteConflict = "E050", "parallel branches write the same key";
    DurationOutOfRange = "E060", "duration out of range";
    RetryOutOfRange = "E061", "retry count out of range";
    TimeOutOfRange = "E062", "time or date out of range";
    PriorityOutOfRange = "E063", "priority out of range";
    ConcurrencyOutOfRange = "E064", "concurrency out of range";
    SizeOutOfRange = "E065", "size out of range";
    TriggerUnknownStage = "E070", "trigger names a stage that does not exist";
    TriggerStageRangeReversed = "E071", "trigger's stage range runs backwards";
    TriggerTiming = "E072", "trigger needs exactly one of at, every or cron";
    BadCron = "E073", "invalid cron expression";
    BadCalendarFile = "E074", "invalid calendar file";
    BadDateList = "E075", "invalid list of dates";
    SourceWithoutProducer = "E076", "data source without a producer or thresholds";
    DuplicateNotifier = "E080", "notifier declared twice";
    UnknownNotifier = "E081", "unknown notifier";
    UnknownNotifyEvent = "E082", "unknown notification event";
    BadNotifierTarget = "E083", "notifier needs exactly one valid target";
    DuplicateExecutor = "E090", "executor declared twice, or named `local`";
    UnknownExecutor = "E091", "unknown executor";
    BadExecutor = "E092", "invalid executor declaration";
    UnknownTemplate = "E110", "unknown template";
    BadArguments = "E111", "instance arguments do not match the template's parameters";
    ArgumentKind = "E112", "argument of the wrong kind for where it is used";
    UnknownParameter = "E113", "unknown template parameter, or one declared twice";
    UnknownSource = "E120", "unknown data source";
    UnproducedSource = "E121", "data source nobody produces";
    BadSharedSource = "E122", "invalid shared source";
    BadFanOut = "E130", "invalid fan-out";
    FanOutNotAList = "E131", "a fan-out's list is not a list upstream";
    UnreachableTask = "W001", "no trigger runs this task";
    TriggerNeverFires = "W002", "trigger can never fire, or never in the required market state";
    CalendarRangeExceeded = "W003", "calendar not known to be right that far ahead";
    UnusedHandler = "W004", "handler declared but never used";
    UnusedNotifier = "W005", "notifier declared but never notified";
    DeadlineCannotFit = "W006", "the work can end after its deadline";
    UnusedExecutor = "W007", "executor declared but no task runs on it";
    ProgramNotFound = "W008", "a handler's program does not exist";
    UnusedParameter = "W010", "template parameter never used";
    UnusedTemplate = "W011", "template never instantiated";
}

impl Code {
    pub(crate) fn severity(self) -> Severity {
        if self.as_str().starts_with("pipe::W") {
            Severity::Warning
        } else {
            Severity::Error
        }
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}
